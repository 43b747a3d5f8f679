import Testing
@testable import WearAlert

/// RFC 5849 HMAC-SHA1 signing against X's worked example ("Creating a
/// signature", developer docs), percent-encoding, the header, and secrets
/// that never print.
@Suite struct OAuth1Tests {
    static let credentials = OAuth1Credentials(
        consumerKey: "xvz1evFS4wEEPTGEFPHBog", consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
    static let nonce = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
    static let timestamp: Int64 = 1_318_622_958
    /// The form-encoded body parameter of the example (form bodies are signed, JSON bodies are not).
    static let status = OAuth1.Parameter("status", "Hello Ladies + Gentlemen, a signed OAuth request!")

    static func example(host: String) throws -> OAuth1.Signed {
        try OAuth1.sign(method: "post", url: "https://\(host)/1.1/statuses/update.json?include_entities=true",
                        parameters: [status], credentials: credentials, nonce: nonce, timestamp: timestamp)
    }

    /// The docs' published values: hCtSmYh+… for api.twitter.com (the page
    /// as it long read); Ls93hJiZ… for api.x.com, which the current page
    /// (docs.x.com, fundamentals/authentication/oauth-1-0a/creating-a-signature)
    /// publishes. Both also recomputed independently with Python's
    /// hmac/hashlib/urllib.parse.quote(safe="-._~") from the same inputs.
    @Test(arguments: [("api.twitter.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk="),
                      ("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=")])
    func signsXsWorkedExample(_ host: String, _ expected: String) throws {
        let signed = try Self.example(host: host)
        #expect(signed.baseString == "POST&https%3A%2F%2F\(host)%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521")
        #expect(signed.signingKey.rawValue
            == "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
        #expect(signed.signature == expected)
    }

    @Test func theHeaderHoldsOnlyOAuthParametersQuotedAndSorted() throws {
        let signed = try Self.example(host: "api.twitter.com")
        #expect(signed.authorizationHeader == "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\"")
        #expect(!signed.authorizationHeader.contains("status"))
        #expect(!signed.authorizationHeader.contains("include_entities"))
        #expect(!signed.authorizationHeader.contains(Self.credentials.consumerSecret))
        #expect(!signed.authorizationHeader.contains(Self.credentials.tokenSecret))
    }

    @Test func aJSONBodyIsNotSignedOnlyTheURL() throws {
        // POST /2/tweets with {"text": ...}: nothing but the oauth_* parameters.
        let signed = try OAuth1.sign(method: "POST", url: "https://api.x.com/2/tweets", credentials: Self.credentials,
                                     nonce: Self.nonce, timestamp: Self.timestamp)
        #expect(signed.baseString.hasPrefix("POST&https%3A%2F%2Fapi.x.com%2F2%2Ftweets&oauth_consumer_key%3D"))
        #expect(signed.baseString.hasSuffix("%26oauth_version%3D1.0"))
    }

    @Test(arguments: [
        (" ", "%20"), ("+", "%2B"), ("*", "%2A"), ("~", "~"), ("-._", "-._"), ("!", "%21"), ("/", "%2F"),
        ("=", "%3D"), ("&", "%26"), ("%", "%25"), ("'", "%27"), ("(", "%28"), (",", "%2C"),
        ("AZaz09", "AZaz09"), ("é", "%C3%A9"), ("☃", "%E2%98%83"), ("\u{1F600}", "%F0%9F%98%80"),
        ("e\u{301}", "e%CC%81"), ("", ""),
    ])
    func percentEncodesOnlyTheUnreservedCharactersAsThemselves(_ text: String, _ expected: String) {
        #expect(OAuth1.percentEncode(text) == expected)
    }

    @Test func sortsByEncodedNameThenValue() {
        let parameters = [OAuth1.Parameter("b", "2"), OAuth1.Parameter("a", "z"), OAuth1.Parameter("a", "y"),
                          OAuth1.Parameter("A", "1"), OAuth1.Parameter("a b", "x"), OAuth1.Parameter("a", "")]
        #expect(OAuth1.normalised(parameters) == "A=1&a=&a=y&a=z&a%20b=x&b=2")
    }

    @Test(arguments: [
        ("HTTPS://API.X.COM:443/2/Tweets?x=1#frag", "https://api.x.com/2/Tweets"),
        ("http://Example.com:80", "http://example.com/"), ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"), ("https://[::1]:443/a", "https://[::1]/a"),
        ("https://[::1]/a", "https://[::1]/a"),
    ])
    func normalisesTheBaseURL(_ url: String, _ expected: String) throws {
        #expect(try OAuth1URL(url).base == expected)
    }

    @Test func decodesQueryParametersAsAForm() throws {
        let url = try OAuth1URL("https://x.com/a?b=c%20d&e=f+g&empty=&flag&%E2%98%83=1")
        #expect(url.query == [OAuth1.Parameter("b", "c d"), OAuth1.Parameter("e", "f g"), OAuth1.Parameter("empty", ""),
                              OAuth1.Parameter("flag", ""), OAuth1.Parameter("☃", "1")])
    }

    @Test(arguments: [
        ("api.x.com/2/tweets", "cannot sign 'api.x.com/2/tweets': not an absolute URL (expected http:// or https://)"),
        ("ftp://x.com/", "cannot sign 'ftp://x.com/': scheme 'ftp' (expected http or https)"),
        ("https://user:pw@x.com/", "cannot sign a URL with user info (the part before '@')"),
        ("https:///a", "cannot sign 'https:///a': no host"),
        ("https://x.com:44x/", "cannot sign 'https://x.com:44x/': port '44x' is not a number"),
        ("https://x.com/?a=%G1", "cannot sign a query with a bad escape in '%G1' (expected %XX)"),
        ("https://x.com/?a=%FF", "cannot sign a query that is not UTF-8 once decoded: '%FF'"),
    ])
    func refusesURLsItCannotSign(_ url: String, _ message: String) {
        #expect(throws: OAuth1Error(message)) {
            try OAuth1.sign(method: "GET", url: url, credentials: Self.credentials, nonce: "n", timestamp: 1)
        }
    }

    @Test func credentialsAndKeysNeverPrintTheirSecrets() throws {
        let signed = try Self.example(host: "api.x.com")
        var dumped = ""
        dump(Self.credentials, to: &dumped)
        dump(signed, to: &dumped)
        let printed = [String(describing: Self.credentials), String(reflecting: Self.credentials),
                       "\(Self.credentials)", String(describing: signed), String(reflecting: signed),
                       String(describing: signed.signingKey), dumped]
        for text in printed {
            for secret in [Self.credentials.consumerSecret, Self.credentials.tokenSecret,
                           Self.credentials.consumerKey, Self.credentials.token] {
                #expect(!text.contains(secret), Comment(rawValue: text))
            }
        }
        #expect(String(describing: Self.credentials).contains("<redacted>"))
    }

    @Test func aProductionNonceIs32RandomBytesOfLettersAndDigits() {
        var generator = SystemRandomNumberGenerator()
        let nonces = (0..<200).map { _ in OAuth1.nonce(using: &generator) }
        #expect(Set(nonces).count == 200)
        for nonce in nonces {
            #expect(nonce.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            // 43 base64 characters less the stripped + and / (each 1 in 32). A bound of 36 (8 or more
            // stripped: 5e-5 a nonce, 1 % of runs of 200) failed a CI run; 24 or more stripped is 3e-25.
            #expect((20...43).contains(nonce.count), "\(nonce.count) characters")
        }
        #expect(abs(OAuth1.currentTimestamp() - 1_764_000_000) < 20 * 365 * 86_400)
    }

    @Test func base64IsRFC4648() {
        // RFC 4648 section 10.
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
                       "foobar": "Zm9vYmFy"]
        for (input, output) in vectors { #expect(Base64.encode(Array(input.utf8)) == output) }
    }
}
