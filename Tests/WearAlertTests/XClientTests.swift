import Testing
import WearCore
import WearAlert
@testable import WearAlertX

/// The API base: https anywhere, plain http on loopback only, nothing that
/// could carry the Authorization header elsewhere.
@Suite struct XClientTests {
    @Test(arguments: [
        ("https://api.x.com", "https://api.x.com/2/tweets"),
        ("https://api.x.com/", "https://api.x.com/2/tweets"),
        ("https://gateway.example:8443/x", "https://gateway.example:8443/x/2/tweets"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/2/tweets"),
        ("http://localhost:9/", "http://localhost:9/2/tweets"),
        ("http://[::1]:9", "http://[::1]:9/2/tweets"),
    ])
    func acceptsHTTPSAndLoopbackHTTP(_ base: String, _ endpoint: String) throws {
        #expect(try XClient.endpoint(base) == endpoint)
    }

    @Test(arguments: [
        ("http://api.x.com", "--x-api-base http://api.x.com: plain http sends the credentials in the clear; use https (http is allowed for 127.0.0.1, localhost and [::1] only)"),
        ("http://127.0.0.1.evil.example", "--x-api-base http://127.0.0.1.evil.example: plain http sends the credentials in the clear; use https (http is allowed for 127.0.0.1, localhost and [::1] only)"),
        ("ftp://api.x.com", "--x-api-base ftp://api.x.com: expected an https:// URL such as https://api.x.com"),
        ("api.x.com", "--x-api-base api.x.com: expected an https:// URL such as https://api.x.com"),
        ("https://", "--x-api-base https://: no host"),
        ("https://user:pw@api.x.com", "--x-api-base https://user:pw@api.x.com: expected scheme, host, optional port and path only (no query, fragment or user info)"),
        ("https://api.x.com/?a=1", "--x-api-base https://api.x.com/?a=1: expected scheme, host, optional port and path only (no query, fragment or user info)"),
    ])
    func refusesOtherBases(_ base: String, _ message: String) {
        #expect {
            _ = try XClient.endpoint(base)
        } throws: { error in
            (error as? StageFailure)?.message == message && (error as? StageFailure)?.status == .usage
        }
    }

    @Test func aRefusedConnectionIsTransientAndSaysWhere() throws {
        // Port 1 on loopback: nothing listens there.
        let client = try XClient(apiBase: "http://127.0.0.1:1", credentials: .bearer(XBearerToken("t")))
        defer { client.shutdown() }
        guard case .transient(let message) = client.post("hello", timeout: .milliseconds(500)) else {
            Issue.record("not transient")
            return
        }
        #expect(message.hasPrefix("cannot connect to 127.0.0.1:1: "), "\(message)")
        #expect(message.contains("Connection refused"))
    }
}
