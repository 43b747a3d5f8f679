import Testing
import WearAlert
import WearCore

/// The retry table, pure: each answer's decision, full-jitter back-off,
/// rate-limit waits bounded; X's answers classified.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy()
    let now = WallTime(epochSeconds: 1_763_700_000)

    @Test func deliveredAnswersRemoveTheEntry() {
        #expect(policy.decide(.posted(id: "1860"), attempts: 1, now: now, random: 0.5) == .delivered(postID: "1860", duplicate: false))
        #expect(policy.decide(.duplicate, attempts: 2, now: now, random: 0.5) == .delivered(postID: nil, duplicate: true))
    }

    @Test func fullJitterIsUniformUpToTheDoublingCeilingAndCapped() {
        #expect(policy.backoff(attempts: 1, random: 1) == .seconds(1))
        #expect(policy.backoff(attempts: 4, random: 1) == .seconds(8))
        #expect(policy.backoff(attempts: 4, random: 0.5) == .seconds(4))
        #expect(policy.backoff(attempts: 4, random: 0) == .zero)
        #expect(policy.backoff(attempts: 11, random: 1) == .seconds(900)) // 1024 s, capped at 15 min
        #expect(policy.backoff(attempts: 1_000, random: 1) == .seconds(900))
        #expect(policy.backoff(attempts: 0, random: 1) == .seconds(1))
    }

    @Test func transientErrorsBackOffAndHoldTheQueue() {
        #expect(policy.decide(.transient(message: "HTTP 503"), attempts: 3, now: now, random: 1)
            == .retry(at: now + .seconds(4), status: .pending, holdsQueue: true, error: "HTTP 503"))
    }

    @Test func rateLimitsWaitForTheResetPlusASecondWithinBounds() {
        let reset = WallTime(epochSeconds: 1_763_700_600)
        #expect(policy.decide(.rateLimited(reset: reset, message: "HTTP 429"), attempts: 1, now: now, random: 0)
            == .retry(at: reset + .seconds(1), status: .pending, holdsQueue: true, error: "HTTP 429"))
        // A reset in the past: one second, never a busy loop.
        #expect(policy.decide(.rateLimited(reset: WallTime(epochSeconds: 1), message: "HTTP 429"), attempts: 1, now: now, random: 0)
            == .retry(at: now + .seconds(1), status: .pending, holdsQueue: true, error: "HTTP 429"))
        // A reset absurdly far: the bound.
        #expect(policy.decide(.rateLimited(reset: now + .seconds(10 * 86_400), message: "HTTP 429"), attempts: 1, now: now, random: 0)
            == .retry(at: now + policy.maxRateLimitWait, status: .pending, holdsQueue: true, error: "HTTP 429"))
        // No header: back off.
        #expect(policy.decide(.rateLimited(reset: nil, message: "HTTP 429"), attempts: 2, now: now, random: 1)
            == .retry(at: now + .seconds(2), status: .pending, holdsQueue: true, error: "HTTP 429 (no x-rate-limit-reset: backing off)"))
    }

    @Test func refusalsFailTheEntryWithTheLongWait() {
        #expect(policy.decide(.rejected(status: 401, message: "HTTP 401: Unauthorized"), attempts: 1, now: now, random: 0)
            == .retry(at: now + .seconds(3600), status: .failed, holdsQueue: true, error: "HTTP 401: Unauthorized"))
        #expect(policy.decide(.rejected(status: 403, message: "HTTP 403"), attempts: 1, now: now, random: 0)
            == .retry(at: now + .seconds(3600), status: .failed, holdsQueue: true, error: "HTTP 403"))
        // 400 is this post's problem: the queue goes on.
        #expect(policy.decide(.rejected(status: 400, message: "HTTP 400"), attempts: 1, now: now, random: 0)
            == .retry(at: now + .seconds(3600), status: .failed, holdsQueue: false, error: "HTTP 400"))
    }
}

@Suite struct XPostOutcomeTests {
    func classify(_ status: Int, _ body: String, headers: [String: String] = [:]) -> XPostOutcome {
        XPostOutcome.classify(status: status, header: { headers[$0] }, body: Array(body.utf8))
    }

    @Test func createdGivesThePostID() {
        #expect(classify(201, #"{"data":{"id":"1860000000000000001","text":"hi"}}"#) == .posted(id: "1860000000000000001"))
        #expect(classify(200, "not json") == .posted(id: nil))
    }

    @Test func duplicateContentIsRecognisedOnlyOn403() {
        let body = #"{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}"#
        #expect(classify(403, body) == .duplicate)
        #expect(classify(400, body) == .rejected(status: 400, message: "HTTP 400: Forbidden: You are not allowed to create a Tweet with duplicate content."))
        #expect(classify(403, #"{"title":"Forbidden","detail":"You are not permitted to perform this action."}"#)
            == .rejected(status: 403, message: "HTTP 403: Forbidden: You are not permitted to perform this action."))
    }

    @Test func rateLimitResetComesFromTheHeaderOrTheDailyLimit() {
        #expect(classify(429, "{}", headers: ["x-rate-limit-reset": "1763700900"])
            == .rateLimited(reset: WallTime(epochSeconds: 1_763_700_900), message: "HTTP 429"))
        #expect(classify(429, "{}", headers: ["x-rate-limit-reset": "1763700900", "x-user-limit-24hour-remaining": "0",
                                               "x-user-limit-24hour-reset": "1763780000"])
            == .rateLimited(reset: WallTime(epochSeconds: 1_763_780_000), message: "HTTP 429"))
        #expect(classify(429, "{}", headers: ["x-rate-limit-reset": "soon"]) == .rateLimited(reset: nil, message: "HTTP 429"))
        #expect(classify(429, "{}") == .rateLimited(reset: nil, message: "HTTP 429"))
    }

    @Test func serverErrorsAreTransientAndMessagesAreOneShortLine() {
        #expect(classify(503, "<html>gateway</html>") == .transient(message: "HTTP 503"))
        let long = String(repeating: "x", count: 500)
        guard case .rejected(_, let message) = classify(401, #"{"title":"Unauthorized","detail":"line\nbreak \#(long)"}"#) else {
            Issue.record("not rejected")
            return
        }
        #expect(message.hasPrefix("HTTP 401: Unauthorized: line break xxx"))
        #expect(!message.contains("\n"))
        #expect(message.count == "HTTP 401: Unauthorized: ".count + 200)
    }
}

@Suite struct XCredentialsTests {
    let full = ["X_API_KEY": "k-value", "X_API_SECRET": "s-value", "X_ACCESS_TOKEN": "t-value", "X_ACCESS_TOKEN_SECRET": "ts-value"]

    @Test func allFourOAuthVariablesMakeUserContext() throws {
        #expect(try XCredentials.fromEnvironment(full) == .oauth1(OAuth1Credentials(
            consumerKey: "k-value", consumerSecret: "s-value", token: "t-value", tokenSecret: "ts-value")))
        var both = full
        both["X_BEARER_TOKEN"] = "b-value"
        #expect(try XCredentials.fromEnvironment(both) == .oauth1(OAuth1Credentials(
            consumerKey: "k-value", consumerSecret: "s-value", token: "t-value", tokenSecret: "ts-value")))
    }

    @Test func aBearerTokenAlone() throws {
        #expect(try XCredentials.fromEnvironment(["X_BEARER_TOKEN": "b-value"]) == .bearer(XBearerToken("b-value")))
    }

    @Test func partialCredentialsNameTheMissingVariablesNeverTheValues() {
        var partial = full
        partial["X_API_SECRET"] = nil
        partial["X_ACCESS_TOKEN_SECRET"] = ""
        #expect(throws: XCredentialsError("incomplete OAuth 1.0a credentials for --sink x: X_API_SECRET, X_ACCESS_TOKEN_SECRET are not set (X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET go together)")) {
            try XCredentials.fromEnvironment(partial)
        }
        do {
            _ = try XCredentials.fromEnvironment(["X_ACCESS_TOKEN": "t-value"])
        } catch {
            #expect(error.message.contains("X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN_SECRET are not set"))
            #expect(!error.message.contains("t-value"))
            #expect(error.failure.status == .config)
        }
    }

    @Test func noCredentialsSaysWhatToSet() {
        #expect(throws: XCredentialsError("no X credentials for --sink x: set X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET (OAuth 1.0a user context), or X_BEARER_TOKEN")) {
            try XCredentials.fromEnvironment(["X_BEARER_TOKEN": ""])
        }
    }

    @Test func credentialsPrintRedacted() {
        let oauth = try? XCredentials.fromEnvironment(full)
        #expect("\(String(describing: oauth))".contains("<redacted>"))
        #expect(!"\(String(describing: oauth))".contains("value"))
        #expect("\(XBearerToken("b-value"))" == "XBearerToken(<redacted>)")
    }
}
