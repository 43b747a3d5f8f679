/// The four OAuth 1.0a user-context secrets X issues (`X_API_KEY`,
/// `X_API_SECRET`, `X_ACCESS_TOKEN`, `X_ACCESS_TOKEN_SECRET`).
///
/// Printing one never shows them: `description`, `debugDescription` and
/// the mirror (`dump`, string interpolation, `#expect` failures) say
/// `<redacted>` for each of the four, so a log line or a test failure
/// cannot leak a key.
public struct OAuth1Credentials: Sendable, Equatable {
    public var consumerKey: String
    public var consumerSecret: String
    public var token: String
    public var tokenSecret: String

    public init(consumerKey: String, consumerSecret: String, token: String, tokenSecret: String) {
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.token = token
        self.tokenSecret = tokenSecret
    }
}

extension OAuth1Credentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "OAuth1Credentials(consumerKey: <redacted>, consumerSecret: <redacted>, token: <redacted>, tokenSecret: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["consumerKey": "<redacted>", "consumerSecret": "<redacted>",
                                "token": "<redacted>", "tokenSecret": "<redacted>"])
    }
}

/// RFC 5849's signing key, `encode(consumer secret) & encode(token secret)`:
/// a secret, so it prints as `<redacted>` too; `rawValue` is for HMAC.
public struct OAuth1SigningKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    public let rawValue: String

    public init(consumerSecret: String, tokenSecret: String) {
        rawValue = OAuth1.percentEncode(consumerSecret) + "&" + OAuth1.percentEncode(tokenSecret)
    }

    public var description: String { "OAuth1SigningKey(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["rawValue": "<redacted>"]) }
}
