import Crypto
import Glibc

/// OAuth 1.0a (RFC 5849) HMAC-SHA1 request signing, X's user context.
///
/// Pure: the nonce and timestamp are arguments (`nonce(using:)` and
/// `currentTimestamp()` supply them in production). Signs the method, the
/// base URL (scheme and host lower-cased, default port dropped, no query or
/// fragment), the URL's query parameters, the `parameters` given (a form
/// body's; a JSON body is never signed, so the X API v2's `POST /2/tweets`
/// passes none) and the oauth_* parameters.
public enum OAuth1 {
    /// A name and value, unencoded; names may repeat.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Everything signing produced. The base string and header hold no
    /// secret, but the header authorises the request: it prints redacted.
    public struct Signed: Sendable, Equatable {
        /// `METHOD&encode(base URL)&encode(normalised parameters)`.
        public var baseString: String
        public var signingKey: OAuth1SigningKey
        /// base64 of HMAC-SHA1(signing key, base string).
        public var signature: String
        /// The `Authorization` header's value: `OAuth oauth_consumer_key="…", …`.
        public var authorizationHeader: String
    }

    /// Signs a request. `url` is absolute (http or https); its query joins
    /// the signed parameters.
    public static func sign(method: String, url: String, parameters: [Parameter] = [],
                            credentials: OAuth1Credentials, nonce: String, timestamp: Int64) throws(OAuth1Error) -> Signed {
        let target = try OAuth1URL(url)
        let protocolParameters = [
            Parameter("oauth_consumer_key", credentials.consumerKey),
            Parameter("oauth_nonce", nonce),
            Parameter("oauth_signature_method", "HMAC-SHA1"),
            Parameter("oauth_timestamp", String(timestamp)),
            Parameter("oauth_token", credentials.token),
            Parameter("oauth_version", "1.0"),
        ]
        let baseString = method.uppercased() + "&" + percentEncode(target.base) + "&"
            + percentEncode(normalised(target.query + parameters + protocolParameters))
        let key = OAuth1SigningKey(consumerSecret: credentials.consumerSecret, tokenSecret: credentials.tokenSecret)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(baseString.utf8),
                                                         using: SymmetricKey(data: Array(key.rawValue.utf8)))
        let signature = Base64.encode(Array(mac))
        let header = "OAuth " + sorted(protocolParameters + [Parameter("oauth_signature", signature)])
            .map { "\($0.name)=\"\($0.value)\"" }
            .joined(separator: ", ")
        return Signed(baseString: baseString, signingKey: key, signature: signature, authorizationHeader: header)
    }

    /// Signs with a fresh random nonce and the current time.
    public static func sign(method: String, url: String, parameters: [Parameter] = [],
                            credentials: OAuth1Credentials) throws(OAuth1Error) -> Signed {
        var generator = SystemRandomNumberGenerator()
        return try sign(method: method, url: url, parameters: parameters, credentials: credentials,
                        nonce: nonce(using: &generator), timestamp: currentTimestamp())
    }

    /// RFC 3986 percent-encoding as RFC 5849 section 3.6 wants it: UTF-8,
    /// every byte but `A-Z a-z 0-9 - . _ ~` as `%XX` (upper-case hex).
    public static func percentEncode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 15)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// 32 random bytes, base64, letters and digits only (X's recipe: about
    /// 42 characters).
    public static func nonce(using generator: inout some RandomNumberGenerator) -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return String(Base64.encode(bytes).filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    /// Seconds since the epoch, now (CLOCK_REALTIME).
    public static func currentTimestamp() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec)
    }

    /// RFC 5849 3.4.1.3.2: encode each name and value, sort by name then
    /// value (byte order), join as `name=value` with `&`.
    static func normalised(_ parameters: [Parameter]) -> String {
        sorted(parameters).map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Encoded names and values, sorted by name then value.
    private static func sorted(_ parameters: [Parameter]) -> [Parameter] {
        parameters.map { Parameter(percentEncode($0.name), percentEncode($0.value)) }
            .sorted { ($0.name.utf8.lexicographicallyPrecedes($1.name.utf8))
                || ($0.name == $1.name && $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)) }
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

extension OAuth1.Signed: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A signed header authorises its request until the timestamp goes
    /// stale, so it prints like a secret: `OAuth1.Signed(<redacted>)`.
    public var description: String { "OAuth1.Signed(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}

/// Why a request cannot be signed: its URL.
public struct OAuth1Error: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
