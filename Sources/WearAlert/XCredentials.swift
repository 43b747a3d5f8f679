import WearCore

/// How wear-alert authenticates to X, read from the environment at start:
/// OAuth 1.0a user context from `X_API_KEY`, `X_API_SECRET`,
/// `X_ACCESS_TOKEN` and `X_ACCESS_TOKEN_SECRET`, or an OAuth 2.0 user
/// token from `X_BEARER_TOKEN`. Prints `<redacted>`.
public enum XCredentials: Sendable, Equatable {
    case oauth1(OAuth1Credentials)
    case bearer(XBearerToken)

    /// The OAuth 1.0a variables, in the order errors list them.
    public static let oauth1Variables = ["X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"]
    public static let bearerVariable = "X_BEARER_TOKEN"

    /// Any OAuth 1.0a variable set means all four are wanted (and win over
    /// `X_BEARER_TOKEN`); otherwise the bearer token. An empty value is
    /// unset. Errors name variables, never values.
    public static func fromEnvironment(_ environment: [String: String]) throws(XCredentialsError) -> XCredentials {
        let values = oauth1Variables.map { environment[$0].flatMap { $0.isEmpty ? nil : $0 } }
        if values.contains(where: { $0 != nil }) {
            let missing = zip(oauth1Variables, values).filter { $0.1 == nil }.map(\.0)
            guard missing.isEmpty else {
                throw XCredentialsError("incomplete OAuth 1.0a credentials for --sink x: \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not set (X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET go together)")
            }
            return .oauth1(OAuth1Credentials(consumerKey: values[0] ?? "", consumerSecret: values[1] ?? "",
                                             token: values[2] ?? "", tokenSecret: values[3] ?? ""))
        }
        if let token = environment[bearerVariable], !token.isEmpty { return .bearer(XBearerToken(token)) }
        throw XCredentialsError("no X credentials for --sink x: set X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET (OAuth 1.0a user context), or X_BEARER_TOKEN")
    }
}

extension XCredentials: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .oauth1: "XCredentials.oauth1(<redacted>)"
        case .bearer: "XCredentials.bearer(<redacted>)"
        }
    }
    public var debugDescription: String { description }
}

/// An OAuth 2.0 user access token; prints `<redacted>`.
public struct XBearerToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { "XBearerToken(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["rawValue": "<redacted>"]) }
}

/// Missing or partial X credentials: status 78, one line naming the variables.
public struct XCredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension XCredentialsError: ExitStatusError {
    /// Credentials are configuration: 78.
    public var failure: StageFailure { StageFailure(status: .config, message: message) }
}
