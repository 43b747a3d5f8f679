import Testing
@testable import WearAlert

/// Weighted length beyond the conformance file: weights, emoji sequences,
/// URL detection and the cut that keeps the hashtag.
@Suite struct TweetLengthTests {
    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("Ω", 1), ("ø", 1), ("\u{2013}", 1), ("\u{2032}", 1),
        ("\u{2026}", 2), ("日", 2), ("\u{1F600}", 2), ("€", 2), ("\u{FFFD}", 2),
    ])
    func weighsCodePointsByTheV3Ranges(_ text: String, _ expected: Int) {
        #expect(TweetLength.weightedLength(of: text) == expected)
    }

    @Test(arguments: [
        ("\u{1F44D}\u{1F3FD}", 2),                        // thumbs up, skin tone
        ("\u{1F1EF}\u{1F1F5}", 2),                        // flag JP
        ("1\u{FE0F}\u{20E3}", 2), ("#\u{20E3}", 2),        // keycaps
        ("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", 2), // family ZWJ sequence
        ("\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", 2), // flag Scotland
        ("\u{2764}\u{FE0F}", 2), ("\u{2764}", 2),          // heart, emoji and text presentation
        ("\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}", 2),        // rainbow flag
        ("\u{A9}", 1), ("\u{A9}\u{FE0F}", 2), ("\u{AE}", 1), // © ® are characters without FE0F
        ("1", 1), ("#", 1), ("*", 1),                      // keycap bases alone
        ("\u{1F468}\u{200D}a", 4),                          // a ZWJ not followed by an emoji: 2 + 1 + 1
        ("\u{1F600}\u{1F600}", 4),
    ])
    func countsAnEmojiSequenceAsTwo(_ text: String, _ expected: Int) {
        #expect(TweetLength.weightedLength(of: text) == expected)
    }

    @Test(arguments: [
        ("https://example.com", 23), ("HTTP://EXAMPLE.COM/A", 23), ("http://example.com:8080/x?y=1", 23),
        ("example.com", 23), ("www.example.org/path", 23), ("example.co", 23), ("example.tv", 23),
        ("example.jp", 10), ("example.jp/x", 23), ("https://example.jp", 23),
        ("see https://example.com/a.", 4 + 23 + 1), ("(https://example.com/a_(b))", 1 + 23 + 1),
        ("https://example.com/?", 23 + 1), ("https://t.co/abc123", 23),
        ("foo@bar.com", 11), ("$example.com", 12), ("-example.com", 12), ("a/example.com", 13),
        ("hr.mean", 7), ("acc.z", 5), ("0.99", 4), ("1.5.2", 5), ("score 0.9999", 12),
        ("https://bücher.de", 23), ("http://例え.テスト", 18), ("https://例え.コム", 23),
        ("https://localhost", 17), ("https://a.com https://b.org", 23 + 1 + 23),
    ])
    func countsURLsAsTwitterTextFindsThem(_ text: String, _ expected: Int) {
        #expect(TweetLength.weightedLength(of: text) == expected, Comment(rawValue: text))
    }

    @Test func refusesHostLabelsLongerThanDNSAllows() {
        let label63 = String(repeating: "a", count: 63), label64 = String(repeating: "a", count: 64)
        #expect(TweetLength.weightedLength(of: "https://\(label63).com") == 23)
        #expect(TweetLength.weightedLength(of: "https://\(label64).com") == 8 + 64 + 4)
    }

    @Test func punycodeIsRFC3492() {
        // RFC 3492 section 7.1 (A) Arabic (Egyptian), and Python's idna codec.
        let arabic: [UInt32] = [0x0644, 0x064A, 0x0647, 0x0645, 0x0627, 0x0628, 0x062A, 0x0643, 0x0644,
                                0x0645, 0x0648, 0x0634, 0x0639, 0x0631, 0x0628, 0x064A, 0x061F]
        #expect(Punycode.encode(arabic) == "egbpdaj6bu4bxfgehfvwxn")
        #expect(Punycode.asciiLabel(Array("bücher".unicodeScalars)) == "xn--bcher-kva")
        #expect(Punycode.asciiLabel(Array("日本語".unicodeScalars)) == "xn--wgv71a119e")
        #expect(Punycode.asciiLabel(Array("plain".unicodeScalars)) == "plain")
    }

    @Test func normalisesToNFCBeforeCounting() {
        // "Á" decomposed is two code points, one character after NFC.
        let decomposed = "A\u{301}"
        #expect(decomposed.unicodeScalars.count == 2)
        #expect(TweetLength.parse(decomposed) == TweetLength.Result(
            weightedLength: 1, isValid: true, permillage: 3, displayRange: 0...1, validRange: 0...1))
    }

    @Test func emptyAndInvalidTextIsNotValid() {
        #expect(!TweetLength.isValid(""))
        #expect(TweetLength.parse("").displayRange == 0...0)
        #expect(!TweetLength.isValid("ok\u{FFFE}"))
        #expect(TweetLength.isValid(String(repeating: "x", count: 280)))
        #expect(!TweetLength.isValid(String(repeating: "x", count: 281)))
    }

    static let tag = " #ShitOpsCyberWatch"

    @Test func keepsATextThatFitsUnchanged() {
        let body = "Incident ABCD2345: tamper"
        #expect(TweetLength.truncate(body, keepingSuffix: Self.tag) == body + Self.tag)
    }

    @Test(arguments: [300, 281 - 19, 1_000])
    func cutsTheBodyAndKeepsTheHashtag(_ length: Int) {
        let body = String(repeating: "word ", count: length / 5) + String(repeating: "x", count: length % 5)
        let post = TweetLength.truncate(body, keepingSuffix: Self.tag)
        #expect(TweetLength.weightedLength(of: post) <= 280)
        #expect(post.hasSuffix("\u{2026}" + Self.tag))
        let head = post.dropLast(Self.tag.count + 1)
        #expect(body.hasPrefix(head))
        #expect(head.last?.isWhitespace == false)
        // As long as it can be: one more character of the body would not fit.
        #expect(TweetLength.weightedLength(of: post) >= 279)
    }

    @Test func neverBreaksAGraphemeCluster() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        let flag = "\u{1F1EF}\u{1F1F5}"
        let accented = "e\u{301}\u{302}"
        let body = String(repeating: family + flag + accented, count: 80)
        let post = TweetLength.truncate(body, keepingSuffix: Self.tag)
        #expect(TweetLength.weightedLength(of: post) <= 280)
        let head = String(post.dropLast(Self.tag.count + 1))
        #expect(body.hasPrefix(head))
        let pieces = [family, flag, accented]
        for (index, character) in head.enumerated() {
            #expect(String(character) == pieces[index % 3])
        }
    }

    @Test func aURLInTheBodyCountsAsX() {
        let url = "https://example.com/" + String(repeating: "p", count: 400)
        let body = "See " + url + " " + String(repeating: "z", count: 300)
        let post = TweetLength.truncate(body, keepingSuffix: Self.tag)
        #expect(post.contains(url))
        #expect(TweetLength.weightedLength(of: post) <= 280)
    }
}
