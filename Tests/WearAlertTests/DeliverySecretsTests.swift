import Foundation
import Testing
import WearAlert
import WearAlertX
import WearCore
import WearTesting
import WearTestingHTTP

/// Secrets never leave the Authorization header: a delivery through every
/// kind of answer, with distinctive credential values, and then every log
/// line, reported error, receipt, outbox file (corrupt/ too) and start-up
/// error searched for them.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DeliverySecretsTests {
    static let oauth = OAuth1Credentials(consumerKey: "CKEY-zq81-distinctive", consumerSecret: "CSEC-zq82-distinctive",
                                         token: "TOKN-zq83-distinctive", tokenSecret: "TSEC-zq84-distinctive")
    static let bearer = "BEAR-zq85-distinctive"
    static let secrets = [oauth.consumerKey, oauth.consumerSecret, oauth.token, oauth.tokenSecret, bearer,
                          OAuth1SigningKey(consumerSecret: oauth.consumerSecret, tokenSecret: oauth.tokenSecret).rawValue]

    /// Every file under `directory`, recursively, as text.
    func contents(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var texts: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) {
                texts.append(name + "\n" + String(decoding: data, as: UTF8.self))
            }
        }
        return texts
    }

    func expectNoSecret(in texts: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            for secret in Self.secrets {
                #expect(!text.contains(secret), "\(what) holds a secret", sourceLocation: sourceLocation)
            }
            #expect(!text.contains("zq8"), "\(what) holds part of a secret", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [true, false])
    func noSecretInLogsErrorsReceiptsOrOutboxFiles(_ useOAuth: Bool) throws {
        let fixture = try DeliveryFixture()
        let outbox = try fixture.openOutbox()
        let credentials: XCredentials = useOAuth ? .oauth1(Self.oauth) : .bearer(XBearerToken(Self.bearer))
        let client = try fixture.client(credentials)
        defer { client.shutdown() }
        fixture.server.script(.unauthorized, .forbidden(detail: "You are not permitted to perform this action."),
                              .status(400, body: #"{"title":"Invalid Request","detail":"bad"}"#),
                              .unavailable, .rateLimited(reset: nil), .drop, .hang, .duplicate)
        for index in 1...4 { try outbox.add(incident: "s\(index)", kind: .post, text: "post \(index)", now: VirtualClock.start) }
        try Data("{corrupt".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/00000000000000000099-c.json"))
        let delivery = try fixture.start(outbox, client, requestTimeout: .milliseconds(300))
        #expect(fixture.reports.waitForResults(1))
        // The failed entry's file, before it is retried and delivered.
        let files = contents(under: fixture.directory)
        #expect(fixture.reports.waitForDelivered(4))
        delivery.stop()
        outbox.close()
        _ = try fixture.openOutbox() // moves the corrupt file aside, logging it

        let authorizations = fixture.server.requests.compactMap { $0.header("Authorization") }
        #expect(authorizations.count == fixture.server.requests.count)
        #expect(authorizations.allSatisfy { $0.contains(useOAuth ? Self.oauth.consumerKey : Self.bearer) })

        let reported = fixture.reports.all
        #expect(reported.contains { if case .failed = $0.outcome { true } else { false } })
        #expect(reported.contains { if case .retrying = $0.outcome { true } else { false } })
        expectNoSecret(in: fixture.messages, "a log line")
        expectNoSecret(in: reported.map { "\($0)" }, "a delivery result")
        expectNoSecret(in: reported.compactMap { $0.receipt()?.document().dumped() }, "a receipt")
        expectNoSecret(in: files + contents(under: fixture.directory), "an outbox file")
        expectNoSecret(in: ["\(credentials)", String(reflecting: credentials), "\(client)"], "a description")
    }

    @Test func startUpErrorsNameVariablesNeverValues() {
        let environment = ["X_API_KEY": Self.oauth.consumerKey, "X_ACCESS_TOKEN": Self.oauth.token,
                           "X_BEARER_TOKEN": Self.bearer]
        do {
            _ = try XCredentials.fromEnvironment(environment)
            Issue.record("partial credentials accepted")
        } catch {
            expectNoSecret(in: [error.message, "\(error)", error.failure.message], "a start-up error")
            #expect(error.message.contains("X_API_SECRET, X_ACCESS_TOKEN_SECRET are not set"))
        }
    }
}
