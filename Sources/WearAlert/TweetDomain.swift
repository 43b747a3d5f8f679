/// Hosts as twitter-text's URL regex matches them: labels of "domain
/// characters" (anything but ASCII punctuation, spaces, invalid characters
/// and directional marks; `-` inside a label, `_` inside a subdomain's)
/// separated by dots, the last one a known TLD followed by neither an ASCII
/// letter or digit nor `@ + -`. Greedy like the regex: the most labels
/// whose last one is a TLD.
enum TweetDomain {
    /// The end of the host starting at `d`, or nil when there is none.
    static func matchHost(_ s: [Unicode.Scalar], from d: Int) -> Int? {
        var labels: [Range<Int>] = []
        var i = d
        while i < s.count {
            var j = i
            while j < s.count, isDomainCharacter(s[j]) || s[j] == "-" || s[j] == "_" { j += 1 }
            guard j > i, j < s.count, s[j] == ".", isDomainCharacter(s[i]), isDomainCharacter(s[j - 1]) else { break }
            labels.append(i..<j)
            i = j + 1
        }
        for label in labels.reversed() where !s[label].contains("_") {
            if let length = tldLength(s, at: label.upperBound + 1, limit: s.count) {
                return label.upperBound + 1 + length
            }
        }
        return nil
    }

    /// The ASCII hosts inside `range` (twitter-text's validAsciiDomain,
    /// searched left to right): labels of `[-a-z0-9]` and Latin accented
    /// letters, dots, a TLD.
    static func asciiHosts(_ s: [Unicode.Scalar], in range: Range<Int>) -> [Range<Int>] {
        var hosts: [Range<Int>] = []
        var start = range.lowerBound
        while start < range.upperBound {
            if let end = asciiHost(s, from: start, limit: range.upperBound) {
                hosts.append(start..<end)
                start = end
            } else {
                start += 1
            }
        }
        return hosts
    }

    private static func asciiHost(_ s: [Unicode.Scalar], from a: Int, limit: Int) -> Int? {
        var dots: [Int] = []
        var i = a
        while i < limit {
            var j = i
            while j < limit, isASCIILabelCharacter(s[j]) { j += 1 }
            guard j > i, j < limit, s[j] == "." else { break }
            dots.append(j)
            i = j + 1
        }
        for dot in dots.reversed() {
            if let length = tldLength(s, at: dot + 1, limit: limit) { return dot + 1 + length }
        }
        return nil
    }

    /// One label, a dot and a TLD from `tlds`, nothing more (twitter-text's
    /// invalidShortDomain with country TLDs, validSpecialShortDomain with co, tv).
    static func isShortHost(_ s: [Unicode.Scalar], _ host: Range<Int>, tlds: Set<String>) -> Bool {
        guard let dot = s[host].firstIndex(of: "."), s[(dot + 1)..<host.upperBound].firstIndex(of: ".") == nil,
              dot > host.lowerBound, isDomainCharacter(s[host.lowerBound]), isDomainCharacter(s[dot - 1]),
              !s[host.lowerBound..<dot].contains("_") else { return false }
        return tlds.contains(lowered(s[(dot + 1)..<host.upperBound]))
    }

    /// twitter-text's idna.toAscii test: every label 1-63 characters once
    /// IDNA-encoded; an `xn--` host must contain an ASCII host.
    static func isValidIDNA(_ s: [Unicode.Scalar], _ domain: Range<Int>) -> Bool {
        let host = Array(s[domain])
        if host.starts(with: "xn--".unicodeScalars), asciiHosts(host, in: 0..<host.count).isEmpty { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let ascii = Punycode.asciiLabel(Array(label)) else { return false }
            return (1...63).contains(ascii.utf8.count)
        }
    }

    /// The length of the TLD at `t`, if one is there and ends at a boundary
    /// before `limit`: the longest generic TLD, else country TLD, else `xn--…`.
    static func tldLength(_ s: [Unicode.Scalar], at t: Int, limit: Int) -> Int? {
        guard t < limit else { return nil }
        func boundary(_ end: Int) -> Bool {
            end == limit || !(TweetURLs.isASCIIAlphanumeric(s[end]) || "@+-".unicodeScalars.contains(s[end]))
        }
        let longest = min(TwitterTLDs.maxScalars, limit - t)
        for list in [TwitterTLDs.generic, TwitterTLDs.country] {
            for length in stride(from: longest, through: 1, by: -1)
            where boundary(t + length) && list.contains(lowered(s[t..<(t + length)])) {
                return length
            }
        }
        if t + 4 < limit, lowered(s[t..<(t + 4)]) == "xn--" {
            var end = t + 4
            while end < limit, isPunycodeCharacter(s[end]) { end += 1 }
            if end > t + 4 { return end - t }
        }
        return nil
    }

    /// Not ASCII punctuation, a space, an invalid character or a directional mark.
    static func isDomainCharacter(_ c: Unicode.Scalar) -> Bool {
        !(isASCIIPunctuation(c) || isSpace(c) || TweetLength.isInvalidCharacter(c) || isDirectionalMark(c))
    }

    /// twitter-text's punct: ASCII punctuation except `"` and a backquote.
    static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        "!'#%&()*+,\\-./:;<=>?@[]^_{|}~$".unicodeScalars.contains(c)
    }

    /// twitter-text's spaces: U+0009-000D, U+0020, U+0085, U+00A0, U+1680,
    /// U+180E, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x180E, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// U+202A-202E, U+061C, U+200E, U+200F, U+2066-2069.
    static func isDirectionalMark(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x202A...0x202E, 0x061C, 0x200E, 0x200F, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// twitter-text's latinAccentChars.
    static func isLatinAccent(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF, 0x100...0x24F, 0x253, 0x254, 0x256, 0x257, 0x259, 0x25B,
             0x263, 0x268, 0x26F, 0x272, 0x289, 0x28B, 0x2BB, 0x300...0x36F, 0x1E00...0x1EFF:
            return true
        default:
            return false
        }
    }

    private static func isASCIILabelCharacter(_ c: Unicode.Scalar) -> Bool {
        TweetURLs.isASCIIAlphanumeric(c) || c == "-" || isLatinAccent(c)
    }

    private static func isPunycodeCharacter(_ c: Unicode.Scalar) -> Bool {
        c == "-" || TweetURLs.isDigit(c) || (c.value >= 0x61 && c.value <= 0x7A) || (c.value >= 0x41 && c.value <= 0x5A)
    }

    /// The regex is case-insensitive: ASCII lowered here, other scripts
    /// (Cyrillic, Greek TLDs) through the standard library's lowercasing.
    private static func lowered(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.lazy.map(TweetURLs.lowered))
        let text = String(view)
        return scalars.allSatisfy(\.isASCII) ? text : text.lowercased()
    }
}
