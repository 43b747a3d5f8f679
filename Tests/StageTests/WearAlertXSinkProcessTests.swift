import Foundation
import Glibc
import Testing
import WearAlert
import WearTesting
import WearTestingHTTP

/// The real wear-alert binary with `--sink x` against the fake X API on
/// loopback: wear-score's telemetry fixture (Tests/Fixtures/wear-alert/
/// telemetry: 3 incident posts and a digest under a budget of 4) piped in,
/// receipts, requests, the outbox and the ledger checked; then an outage
/// that the drain cannot outwait, and the next run delivering what it left.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WearAlertXSinkProcessTests {
    static let folder = GoldenFixtures.root.appendingPathComponent("wear-alert/telemetry")
    /// Distinctive values that must never show up anywhere but the Authorization header.
    static let oauth = OAuth1Credentials(consumerKey: "xsink-consumer-key-K7", consumerSecret: "xsink-consumer-secret-Q3vZ",
                                         token: "xsink-access-token-M2", tokenSecret: "xsink-token-secret-W9pL")
    static let oauthEnvironment = ["X_API_KEY": oauth.consumerKey, "X_API_SECRET": oauth.consumerSecret,
                                   "X_ACCESS_TOKEN": oauth.token, "X_ACCESS_TOKEN_SECRET": oauth.tokenSecret,
                                   "X_BEARER_TOKEN": ""]
    static let bearer = "xsink-bearer-token-Z8rT"
    static let bearerEnvironment = ["X_BEARER_TOKEN": bearer, "X_API_KEY": "", "X_API_SECRET": "",
                                    "X_ACCESS_TOKEN": "", "X_ACCESS_TOKEN_SECRET": ""]

    func arguments(outbox: String, server: FakeXServer, drain: String = "20s", metrics: String? = nil) -> [String] {
        (metrics.map { ["--metrics-file", $0] } ?? []) + ["--pseudonym-key", GoldenFixtures.root.appendingPathComponent("wear-alert/pseudonym.key").path,
         "--allow-insecure-key-file", "--threshold", "0.999", "--budget", "4/24h",
         "--sink", "x", "--outbox", outbox, "--x-api-base", server.baseURL, "--drain-timeout", drain,
         "--request-timeout", "10s"]
    }

    func entryFiles(_ outbox: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// Every file under the outbox, as text (entries, the lock, corrupt/).
    func outboxContents(_ outbox: String) -> String {
        let files = FileManager.default.enumerator(atPath: outbox)?.compactMap { $0 as? String } ?? []
        return files.compactMap { try? String(contentsOfFile: outbox + "/" + $0, encoding: .utf8) }.joined(separator: "\n")
    }

    func field(_ line: String, _ name: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?[name] as? String
    }

    func required(_ line: String, _ name: String) throws -> String {
        guard let value = field(line, name) else { throw TestSupportError("no string \"\(name)\" in \(line)") }
        return value
    }

    /// The dry run's receipts as `--sink x` writes them when X answers each
    /// post with the next serial id: the posts (dry_run, in order) become
    /// `posted` with 1001, 1002...; a digest's incidents carry its id.
    func expectedReceipts() throws -> (receipts: [String], texts: [String]) {
        let lines = try String(contentsOf: Self.folder.appendingPathComponent("expected.ndjson"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var ids: [String: String] = [:]
        var texts: [String] = []
        for line in lines where field(line, "status") == "dry_run" {
            ids[try required(line, "incident")] = String(1001 + ids.count)
            texts.append(try required(line, "text"))
        }
        let receipts = try lines.map { line -> String in
            switch field(line, "status") {
            case "dry_run":
                let id = try #require(ids[try required(line, "incident")])
                return line.replacingOccurrences(of: #""status":"dry_run","post_id":"""#, with: #""status":"posted","post_id":"\#(id)""#)
            case "digest":
                let id = try #require(ids[try required(line, "digest")])
                return line.replacingOccurrences(of: #""status":"digest","post_id":"""#, with: #""status":"digest","post_id":"\#(id)""#)
            default:
                return line
            }
        }
        return (receipts, texts)
    }

    @Test func postsEachIncidentAndTheDigestOnceWithAValidSignatureAndEmptiesTheOutbox() throws {
        let server = try FakeXServer(acceptsEachTextOnce: true)
        defer { server.shutdown() }
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let metricsFile = temporary.file("alert.prom").path
        let stage = try LiveStage("wear-alert", arguments(outbox: outbox, server: server, metrics: metricsFile),
                                  environment: Self.oauthEnvironment)
        stage.write(try Data(contentsOf: Self.folder.appendingPathComponent("input.ndjson")))
        stage.closeInput()
        #expect(stage.waitForExit(upTo: 60) == 0, "stderr: \(stage.stderr)")

        let expected = try expectedReceipts()
        #expect(stage.stdoutLines.sorted() == expected.receipts.sorted(), "stderr: \(stage.stderr)")
        // The queued receipts come with their records, the posted ones as X answers: each post in its order.
        #expect(stage.stdoutLines.filter { field($0, "status") == "posted" }.compactMap { field($0, "post_id") }
                == ["1001", "1002", "1003", "1004"])
        #expect(server.texts == expected.texts)
        #expect(server.accepted == expected.texts)
        for request in server.requests {
            #expect(request.method == "POST")
            #expect(request.uri == "/2/tweets")
            let header = try #require(request.header("Authorization"))
            let parameters = oauthParameters(header)
            let nonce = try #require(parameters["oauth_nonce"])
            let timestamp = try #require(parameters["oauth_timestamp"].flatMap { Int64($0) })
            #expect(abs(timestamp - OAuth1.currentTimestamp()) < 120)
            let recomputed = try OAuth1.sign(method: request.method, url: server.baseURL + request.uri,
                                             credentials: Self.oauth, nonce: nonce, timestamp: timestamp)
            #expect(header == recomputed.authorizationHeader)
        }
        #expect(entryFiles(outbox).isEmpty)
        _ = expectBalancedLedger("wear-alert", stdout: nil, stderr: stage.stderr, rejects: nil)
        #expect(stage.stderr.contains("delivery drained: nothing pending in \(outbox)"))
        let metrics = try String(contentsOfFile: metricsFile, encoding: .utf8)
        for sample in [#"wear_alert_sink_posts_total{stage="wear-alert",status="posted"} 4"#,
                       #"wear_alert_sink_posts_total{stage="wear-alert",status="failed"} 0"#,
                       #"wear_alert_outbox_pending{stage="wear-alert"} 0"#,
                       #"wear_alert_receipts_total{stage="wear-alert",status="posted"} 4"#] {
            #expect(metrics.contains(sample + "\n"), "missing \(sample) in\n\(metrics)")
        }
        let check = try ProcessRun.run(try MetricsEndToEndTests.promtool(), ["check", "metrics"], input: Data(metrics.utf8))
        #expect(check.status == 0, "promtool: \(check.stdoutText)\(check.stderrText)")
        for secret in [Self.oauth.consumerSecret, Self.oauth.tokenSecret, Self.oauth.consumerKey, Self.oauth.token] {
            #expect(!stage.stderr.contains(secret))
            #expect(!String(decoding: stage.stdout, as: UTF8.self).contains(secret))
            #expect(!outboxContents(outbox).contains(secret))
        }
    }

    @Test func anOutagePastTheDrainLeavesThePostsPendingAndTheNextRunSendsThemFirst() throws {
        let expected = try expectedReceipts()
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let down = try FakeXServer()
        defer { down.shutdown() }
        for _ in 0..<100 { down.script(.unavailable) } // more than the drain can try
        let metricsFile = temporary.file("alert.prom").path
        let first = try LiveStage("wear-alert", arguments(outbox: outbox, server: down, drain: "1s", metrics: metricsFile),
                                  environment: Self.bearerEnvironment)
        first.write(try Data(contentsOf: Self.folder.appendingPathComponent("input.ndjson")))
        first.closeInput()
        #expect(first.waitForExit(upTo: 60) == 0, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("delivery stopped with 4 posts pending in \(outbox); the next start sends them first"),
                "stderr: \(first.stderr)")
        #expect(entryFiles(outbox).count == 4)
        #expect(try String(contentsOfFile: metricsFile, encoding: .utf8).contains(#"wear_alert_outbox_pending{stage="wear-alert"} 4"# + "\n"))
        #expect(!down.requests.isEmpty)
        #expect(down.requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.bearer)" })
        #expect(first.stdoutLines.allSatisfy { field($0, "status") == "queued" }) // nothing posted, nothing failed
        #expect(first.stdoutLines.count == 2)
        _ = expectBalancedLedger("wear-alert", stdout: nil, stderr: first.stderr, rejects: nil)
        #expect(!outboxContents(outbox).contains(Self.bearer))
        #expect(!first.stderr.contains(Self.bearer))

        let up = try FakeXServer(acceptsEachTextOnce: true)
        defer { up.shutdown() }
        let second = try LiveStage("wear-alert", arguments(outbox: outbox, server: up), environment: Self.bearerEnvironment)
        second.closeInput()
        #expect(second.waitForExit(upTo: 60) == 0, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("4 posts pending in \(outbox) from an earlier run go first"))
        #expect(up.texts == expected.texts) // in the first run's order, each once
        #expect(second.stdoutLines.map { field($0, "status") } == ["posted", "posted", "posted", "posted"])
        #expect(second.stdoutLines.compactMap { field($0, "post_id") } == ["1001", "1002", "1003", "1004"])
        // Late receipts name the incident (or the digest), not the outbox reference.
        #expect(second.stdoutLines.compactMap { field($0, "incident") }
                == expected.receipts.filter { field($0, "status") == "posted" }.compactMap { field($0, "incident") })
        #expect(entryFiles(outbox).isEmpty)
        #expect(!second.stderr.contains(Self.bearer) && !second.stdoutLines.joined().contains(Self.bearer))
    }

    @Test func aRefusedPostIsReceiptedFailedOnceAndPostedWhenARestartRetriesIt() throws {
        let expected = try expectedReceipts()
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let refusing = try FakeXServer()
        defer { refusing.shutdown() }
        refusing.script(.unauthorized) // later posts wait an hour behind it: every post would fail
        let first = try LiveStage("wear-alert", arguments(outbox: outbox, server: refusing, drain: "1s"),
                                  environment: Self.bearerEnvironment)
        first.write(try Data(contentsOf: Self.folder.appendingPathComponent("input.ndjson")))
        first.closeInput()
        #expect(first.waitForExit(upTo: 60) == 0, "stderr: \(first.stderr)")
        #expect(refusing.requests.count == 1)
        let failed = first.stdoutLines.filter { field($0, "status") == "failed" }
        // The stage's own receipt for the post: every member, status failed, no post id.
        let firstPost = try #require(expected.receipts.first)
        #expect(failed == [firstPost.replacingOccurrences(of: #""status":"posted","post_id":"1001""#,
                                                          with: #""status":"failed","post_id":"""#)])
        #expect(first.stderr.contains("X refused the post: "), "stderr: \(first.stderr)")
        #expect(first.stderr.contains("delivery stopped with 4 posts pending in \(outbox)"))

        let healthy = try FakeXServer()
        defer { healthy.shutdown() }
        let second = try LiveStage("wear-alert", arguments(outbox: outbox, server: healthy), environment: Self.bearerEnvironment)
        second.closeInput()
        #expect(second.waitForExit(upTo: 60) == 0, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("retrying 1 post X refused before the restart"))
        #expect(healthy.texts == expected.texts)
        #expect(second.stdoutLines.map { field($0, "status") } == ["posted", "posted", "posted", "posted"])
        #expect(entryFiles(outbox).isEmpty)
    }

    @Test func sigtermDrainsWithinTheBoundAndCancelsThePostXHoldsUnanswered() throws {
        let server = try FakeXServer()
        defer { server.shutdown() }
        server.script(.hang)
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let stage = try LiveStage("wear-alert", arguments(outbox: outbox, server: server, drain: "1s"),
                                  environment: Self.bearerEnvironment)
        stage.write(try Data(contentsOf: Self.folder.appendingPathComponent("input.ndjson")))
        #expect(Polling.until(upTo: 30) { server.requests.count == 1 })
        let signalled = Date()
        stage.signal(SIGTERM) // input still open: the signal alone ends the run
        #expect(stage.waitForExit(upTo: 30) == 0, "stderr: \(stage.stderr)")
        #expect(Date().timeIntervalSince(signalled) < 15) // the drain's bound, not the request timeout's 10s twice
        #expect(stage.stderr.contains("pending in \(outbox); the next start sends"), "stderr: \(stage.stderr)")
        #expect(!entryFiles(outbox).isEmpty)
        #expect(!stage.stdoutLines.contains { field($0, "status") == "posted" })
        _ = expectBalancedLedger("wear-alert", stdout: nil, stderr: stage.stderr, rejects: nil)
    }

    @Test func killNineWhileXHoldsAnAcceptedPostThenARestartDeliversEveryPostOnce() throws {
        let expected = try expectedReceipts()
        // As X: a text accepted once is a duplicate after (the same server for both runs).
        let server = try FakeXServer(acceptsEachTextOnce: true)
        defer { server.shutdown() }
        server.script(.created(), .created(), .acceptAndHang) // X takes post 3 and never answers
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let first = try LiveStage("wear-alert", arguments(outbox: outbox, server: server), environment: Self.oauthEnvironment)
        first.write(try Data(contentsOf: Self.folder.appendingPathComponent("input.ndjson")))
        first.closeInput()
        // Post 3 held by X, and the end of input read (the digest written to the outbox): the drain is waiting.
        #expect(Polling.until(upTo: 30) { server.requests.count == 3 && entryFiles(outbox).count == 2 },
                "post 3 on its way, the digest queued: \(entryFiles(outbox)) \(first.stderr)")
        first.signal(SIGKILL)
        #expect(first.waitForExit(upTo: 30) == 128 + SIGKILL)
        #expect(entryFiles(outbox).count == 2, "posts 3 and 4 (the digest) survive the kill: \(entryFiles(outbox))")

        let second = try LiveStage("wear-alert", arguments(outbox: outbox, server: server), environment: Self.oauthEnvironment)
        second.closeInput()
        #expect(second.waitForExit(upTo: 60) == 0, "stderr: \(second.stderr)")
        #expect(server.accepted == expected.texts, "each post accepted exactly once, in order")
        #expect(server.requests.count == 5, "post 3 sent again (X answers duplicate), the digest once")
        #expect(second.stdoutLines.map { field($0, "status") } == ["posted", "posted"])
        #expect(second.stdoutLines.compactMap { field($0, "post_id") } == ["", "1004"], "duplicate content: no id")
        #expect(entryFiles(outbox).isEmpty)
    }

    @Test func aPostTheOutboxCannotTakeStopsTheRunWith74() throws {
        let server = try FakeXServer()
        defer { server.shutdown() }
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let stage = try LiveStage("wear-alert", arguments(outbox: outbox, server: server), environment: Self.bearerEnvironment)
        #expect(Polling.until(upTo: 30) { FileManager.default.fileExists(atPath: outbox + "/.lock") })
        try FileManager.default.removeItem(atPath: outbox) // the next post has nowhere to go
        // Records 600 to 700 (line 655 opens an incident): small enough for the pipe, whatever is read.
        let lines = try String(contentsOf: Self.folder.appendingPathComponent("input.ndjson"), encoding: .utf8)
            .split(separator: "\n")[600..<700]
        stage.write(lines.joined(separator: "\n") + "\n")
        stage.closeInput()
        #expect(stage.waitForExit(upTo: 60) == 74, "stderr: \(stage.stderr)")
        #expect(stage.stderr.contains("wear-alert: error: cannot keep post UMDILF43-physiology-1763700163762/opened in the outbox, so it is not sent and wear-alert stops: "),
                "stderr: \(stage.stderr)")
        #expect(stage.stdout.isEmpty)
        #expect(server.requests.isEmpty)
        let summary = expectBalancedLedger("wear-alert", stdout: nil, stderr: stage.stderr, rejects: nil)
        // The rest of the batch after the failed post: rejected for what it is, not as an output failure.
        #expect(summary.map { $0.byReason.keys.allSatisfy { $0 == "stage_failed" } } == true, "stderr: \(stage.stderr)")
    }

    @Test func sinkXWithoutAnOutboxIsAUsageError() throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear-alert"), ["--sink", "x"], environment: Self.bearerEnvironment)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText.contains("--sink x needs --outbox DIR"), "\(result.stderrText)")
    }

    @Test func sinkXWithoutCredentialsIsAConfigErrorAndLeavesNoOutbox() throws {
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let result = try ProcessRun.run(try Binaries.url(of: "wear-alert"), ["--sink", "x", "--outbox", outbox],
                                        environment: ["X_BEARER_TOKEN": "", "X_API_KEY": "", "X_API_SECRET": "",
                                                      "X_ACCESS_TOKEN": "", "X_ACCESS_TOKEN_SECRET": ""])
        #expect(result.status == 78)
        #expect(result.stderrText.contains("no X credentials for --sink x"), "\(result.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: outbox))
    }
}
