import Foundation
import Glibc
import Testing
import WearAlert
import WearAlertX
import WearCore
import WearTesting
import WearTestingHTTP

/// Delivery against a fake X API on loopback (real HTTP, real sockets):
/// signatures, order, restarts, every answer of the retry table, drains.
/// Time is virtual: no test sleeps for a back-off or a reset.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DeliveryTests {
    let now = VirtualClock.start

    @Test func postsTheJSONBodyWithAnOAuthSignatureThatVerifies() throws {
        let fixture = try DeliveryFixture()
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        try outbox.add(incident: "inc-1", kind: .post, text: "Tamper on KQ4DFA2B, \"quoted\" & café #ShitOpsCyberWatch", now: now)
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForDelivered(1))
        #expect(delivery.drain(timeout: .seconds(5)) == 0)

        let request = try #require(fixture.server.requests.first)
        #expect(request.method == "POST")
        #expect(request.uri == "/2/tweets")
        #expect(request.header("Content-Type") == "application/json")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"text":"Tamper on KQ4DFA2B, \"quoted\" & café #ShitOpsCyberWatch"}"#)
        let header = try #require(request.header("Authorization"))
        let parameters = oauthParameters(header)
        let nonce = try #require(parameters["oauth_nonce"])
        let timestamp = try #require(parameters["oauth_timestamp"].flatMap { Int64($0) })
        #expect(parameters["oauth_consumer_key"] == DeliveryFixture.oauth.consumerKey)
        #expect(parameters["oauth_token"] == DeliveryFixture.oauth.token)
        #expect(abs(timestamp - OAuth1.currentTimestamp()) < 60)
        // Recomputed from the recorded request: the URL it reached, no body parameters.
        let recomputed = try OAuth1.sign(method: request.method, url: fixture.server.baseURL + request.uri,
                                         credentials: DeliveryFixture.oauth, nonce: nonce, timestamp: timestamp)
        #expect(header == recomputed.authorizationHeader)

        #expect(fixture.reports.all == [DeliveryResult(entry: OutboxEntry(sequence: 1, incident: "inc-1", kind: .post,
            text: "Tamper on KQ4DFA2B, \"quoted\" & café #ShitOpsCyberWatch", created: now, attempts: 1),
            outcome: .posted(postID: "1001"))])
        #expect(fixture.reports.all.first?.receipt() == AlertReceipt(incident: "inc-1", status: .posted, postID: "1001",
            text: "Tamper on KQ4DFA2B, \"quoted\" & café #ShitOpsCyberWatch"))
        #expect(try fixture.entryFiles().isEmpty)
    }

    @Test func aBearerTokenIsSentAsIs() throws {
        let fixture = try DeliveryFixture()
        let outbox = try fixture.openOutbox()
        let client = try fixture.client(.bearer(XBearerToken("fixture-bearer-token")))
        defer { client.shutdown() }
        try outbox.add(incident: "inc-1", kind: .digest, text: "3 more incidents #ShitOpsCyberWatch", now: now)
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForDelivered(1))
        delivery.stop()
        #expect(fixture.server.requests.map { $0.header("Authorization") } == ["Bearer fixture-bearer-token"])
    }

    @Test func pendingPostsGoFirstThenNewOnesInOutboxOrder() throws {
        let fixture = try DeliveryFixture()
        do {
            let before = try fixture.openOutbox()
            for name in ["a", "b", "c"] { try before.add(incident: name, kind: .post, text: "pending \(name)", now: now) }
            before.close()
        }
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        let delivery = try fixture.start(outbox, client)
        for name in ["d", "e"] { try outbox.add(incident: name, kind: .post, text: "new \(name)", now: now) }
        #expect(fixture.reports.waitForDelivered(5))
        #expect(delivery.drain(timeout: .seconds(5)) == 0)
        #expect(fixture.server.texts == ["pending a", "pending b", "pending c", "new d", "new e"])
        #expect(fixture.reports.delivered.map(\.entry.incident) == ["a", "b", "c", "d", "e"])
    }

    @Test func nothingIsLostAcrossACrashAndAnAcceptedPostIsNotPostedTwice() throws {
        let fixture = try DeliveryFixture()
        // Run 1: three posts written; X takes the first but its answer never arrives
        // (the process dies mid-request: here, the post hangs and the run stops).
        do {
            let outbox = try fixture.openOutbox()
            for index in 1...3 { try outbox.add(incident: "i\(index)", kind: .post, text: "post \(index)", now: now) }
            #expect(try fixture.entryFiles().count == 3) // on disk before any attempt
            fixture.server.script(.hang)
            let client = try fixture.client()
            let delivery = try fixture.start(outbox, client, requestTimeout: .seconds(30))
            #expect(Polling.until(upTo: 5) { fixture.server.requests.count == 1 })
            #expect(delivery.drain(timeout: .milliseconds(200)) == 3)
            client.shutdown()
            outbox.close()
        }
        // Run 2: everything is still there and goes out in order; X says the first is a duplicate.
        fixture.server.script(.duplicate)
        let outbox = try fixture.openOutbox()
        #expect(outbox.entries.map(\.text) == ["post 1", "post 2", "post 3"])
        let client = try fixture.client()
        defer { client.shutdown() }
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForDelivered(3))
        #expect(delivery.drain(timeout: .seconds(5)) == 0)
        #expect(fixture.server.texts == ["post 1", "post 1", "post 2", "post 3"])
        #expect(fixture.reports.delivered.map(\.outcome) == [.duplicate, .posted(postID: "1001"), .posted(postID: "1002")])
        #expect(try fixture.entryFiles().isEmpty)
    }

    @Test func duplicateContentCountsAsDeliveredAndRemovesTheEntry() throws {
        let fixture = try DeliveryFixture()
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        fixture.server.script(.duplicate)
        try outbox.add(incident: "dup", kind: .post, text: "same again", now: now)
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForDelivered(1))
        delivery.stop()
        #expect(fixture.reports.all.map(\.outcome) == [.duplicate])
        #expect(fixture.reports.all.first?.receipt()?.postID == nil)
        #expect(try fixture.entryFiles().isEmpty)
        #expect(fixture.messages.contains { $0.contains("X already has this text (403 duplicate content): delivered, no post id") })
    }

    @Test func unauthorizedKeepsTheEntryFailedAndWaitsLongBeforeTryingAgain() throws {
        let fixture = try DeliveryFixture(manualClock: true)
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        fixture.server.script(.unauthorized)
        try outbox.add(incident: "first", kind: .post, text: "one", now: now)
        try outbox.add(incident: "second", kind: .post, text: "two", now: now)
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForResults(1))
        #expect(fixture.clock.waitUntilWaiting(for: now + .seconds(3600)))
        // Kept, marked failed, with X's answer; nothing else was tried meanwhile (the queue holds).
        #expect(fixture.server.requests.count == 1)
        let kept = try #require(outbox.entries.first)
        #expect(kept.status == .failed)
        #expect(kept.attempts == 1)
        #expect(kept.lastError == "HTTP 401: Unauthorized: Unauthorized")
        let file = try String(contentsOfFile: outbox.path(of: kept), encoding: .utf8)
        #expect(file.contains(#""status":"failed""#) && file.contains(#""last_error":"HTTP 401: Unauthorized: Unauthorized""#))
        #expect(fixture.reports.all.first?.outcome == .failed(next: now + .seconds(3600), error: "HTTP 401: Unauthorized: Unauthorized"))
        #expect(fixture.reports.all.first?.receipt()?.status == .failed)
        #expect(fixture.logs.messages.contains { $0.level == .error && $0.message.contains("X refused the post: HTTP 401: Unauthorized: Unauthorized; kept in \(fixture.directory), next try in 1h 0m") })
        // An hour later it goes, then the next.
        fixture.clock.advance(by: .seconds(3600))
        #expect(fixture.reports.waitForDelivered(2))
        #expect(delivery.drain(timeout: .seconds(5)) == 0)
        #expect(fixture.server.texts == ["one", "one", "two"])
    }

    @Test func aBadRequestSetsThatPostAsideAndTheQueueGoesOn() throws {
        let fixture = try DeliveryFixture(manualClock: true)
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        fixture.server.script(.status(400, body: #"{"title":"Invalid Request","detail":"One or more parameters to your request was invalid."}"#))
        try outbox.add(incident: "bad", kind: .post, text: "bad", now: now)
        try outbox.add(incident: "good", kind: .post, text: "good", now: now)
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForDelivered(1))
        #expect(fixture.server.texts == ["bad", "good"])
        #expect(outbox.entries.map(\.incident) == ["bad"])
        #expect(outbox.entries.first?.lastError == "HTTP 400: Invalid Request: One or more parameters to your request was invalid.")
        #expect(delivery.stop() == 1)
    }

    @Test func aRateLimitWaitsUntilTheResetInVirtualTime() throws {
        let fixture = try DeliveryFixture(manualClock: true)
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        let reset = now.milliseconds / 1000 + 120
        fixture.server.script(.rateLimited(reset: reset))
        try outbox.add(incident: "r", kind: .post, text: "limited", now: now)
        try outbox.add(incident: "s", kind: .post, text: "behind it", now: now)
        let started = Date()
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForResults(1))
        #expect(fixture.clock.waitUntilWaiting(for: WallTime(epochSeconds: reset + 1)))
        #expect(fixture.server.requests.count == 1)
        #expect(outbox.entries.first?.nextAttempt == WallTime(epochSeconds: reset + 1))
        #expect(outbox.entries.first?.holdsQueue == true)
        fixture.clock.advance(by: .seconds(121))
        #expect(fixture.reports.waitForDelivered(2))
        #expect(delivery.drain(timeout: .seconds(5)) == 0)
        #expect(fixture.server.texts == ["limited", "limited", "behind it"])
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func serverErrorsBackOffExponentiallyWithTheInjectedJitter() throws {
        let fixture = try DeliveryFixture()
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        fixture.server.script(.unavailable, .unavailable, .unavailable)
        try outbox.add(incident: "u", kind: .post, text: "eventually", now: now)
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForDelivered(1))
        delivery.stop()
        // random() = 1: the full ceiling, 1 s, 2 s, 4 s after each attempt.
        #expect(fixture.clock.waits == [now + .seconds(1), now + .seconds(3), now + .seconds(7)])
        #expect(fixture.reports.all.map(\.outcome) == [
            .retrying(next: now + .seconds(1), error: "HTTP 503: Service Unavailable: Service Unavailable"),
            .retrying(next: now + .seconds(3), error: "HTTP 503: Service Unavailable: Service Unavailable"),
            .retrying(next: now + .seconds(7), error: "HTTP 503: Service Unavailable: Service Unavailable"),
            .posted(postID: "1001"),
        ])
        #expect(fixture.reports.all.last?.entry.attempts == 4)
    }

    @Test func aHangPastTheTimeoutAndADroppedConnectionAreRetried() throws {
        let fixture = try DeliveryFixture()
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        fixture.server.script(.hang, .drop)
        try outbox.add(incident: "h", kind: .post, text: "patient", now: now)
        let delivery = try fixture.start(outbox, client, requestTimeout: .milliseconds(300))
        #expect(fixture.reports.waitForDelivered(1))
        delivery.stop()
        let errors = fixture.reports.all.compactMap { result -> String? in
            if case .retrying(_, let error) = result.outcome { return error }
            return nil
        }
        #expect(errors.count == 2)
        #expect(errors.first == "no answer within 0.3 seconds")
        #expect(errors.last == "the connection closed before an answer")
        #expect(fixture.server.texts == ["patient", "patient", "patient"])
    }

    @Test func drainReturnsAtOnceWhenNothingCanGoBeforeItsBound() throws {
        let fixture = try DeliveryFixture(manualClock: true)
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        fixture.server.script(.rateLimited(reset: now.milliseconds / 1000 + 900))
        try outbox.add(incident: "a", kind: .post, text: "a", now: now)
        try outbox.add(incident: "b", kind: .post, text: "b", now: now)
        let delivery = try fixture.start(outbox, client)
        #expect(fixture.reports.waitForResults(1))
        let started = Date()
        #expect(delivery.drain(timeout: .seconds(30)) == 2)
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(try fixture.entryFiles().count == 2)
        #expect(fixture.messages.contains("delivery stopped with 2 posts pending in \(fixture.directory); the next start sends them first"))
    }

    @Test func drainCancelsAPostStillHangingAtItsBound() throws {
        let fixture = try DeliveryFixture(manualClock: true)
        let outbox = try fixture.openOutbox()
        let client = try fixture.client()
        defer { client.shutdown() }
        fixture.server.script(.hang)
        try outbox.add(incident: "a", kind: .post, text: "a", now: now)
        let delivery = try fixture.start(outbox, client, requestTimeout: .seconds(30))
        #expect(Polling.until(upTo: 5) { fixture.server.requests.count == 1 })
        let started = Date()
        #expect(delivery.drain(timeout: .milliseconds(300)) == 1)
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(outbox.entries.first?.lastError == "cancelled (the drain ran out of time)")
    }
}
