/// The characters twitter-text allows in a URL's path and query, and where
/// each may end: a path or query never ends in `.`, `,`, `!`, `;`, `:` and
/// the like, so "see https://x.com/a." counts the URL without its period.
enum TweetURLCharacters {
    /// The end of a path's characters after its `/` at `i - 1` (`i` itself
    /// for an empty path): the longest run of path characters and balanced
    /// parentheses that ends in a path-ending character or a `)`.
    static func pathEnd(_ s: [Unicode.Scalar], from i: Int) -> Int {
        var j = i
        var end = i
        while j < s.count {
            if s[j] == "(", let close = balancedParentheses(s, at: j) {
                j = close
                end = j
                continue
            }
            guard isPathCharacter(s[j]) else { break }
            if isPathEnding(s[j]) { end = j + 1 }
            j += 1
        }
        return end
    }

    /// The end of a query after its `?` at `i - 1`, or nil when no query
    /// character there may end one (then the `?` is not part of the URL).
    static func queryEnd(_ s: [Unicode.Scalar], from i: Int) -> Int? {
        var j = i
        var end: Int?
        while j < s.count, isQueryCharacter(s[j]) {
            if isQueryEnding(s[j]) { end = j + 1 }
            j += 1
        }
        return end
    }

    /// `(` path characters `)`, or one nested pair: `( a (b) c )`.
    static func balancedParentheses(_ s: [Unicode.Scalar], at open: Int) -> Int? {
        func run(from k: Int) -> Int {
            var k = k
            while k < s.count, isPathCharacter(s[k]) { k += 1 }
            return k
        }
        let first = run(from: open + 1)
        if first > open + 1, first < s.count, s[first] == ")" { return first + 1 }
        guard first < s.count, s[first] == "(" else { return nil }
        let inner = run(from: first + 1)
        guard inner > first + 1, inner < s.count, s[inner] == ")" else { return nil }
        let rest = run(from: inner + 1)
        guard rest < s.count, s[rest] == ")" else { return nil }
        return rest + 1
    }

    /// validGeneralUrlPathChars: letters (ASCII, Cyrillic, Latin accented),
    /// digits and `! * ' ; : = + , . $ / % # [ ] - – _ ~ @ | &`.
    static func isPathCharacter(_ c: Unicode.Scalar) -> Bool {
        isLetterOrDigit(c) || "!*';:=+,.$/%#[]-\u{2013}_~@|&".unicodeScalars.contains(c)
    }

    /// validUrlPathEndingChars: letters, digits and `+ - = _ # /`.
    static func isPathEnding(_ c: Unicode.Scalar) -> Bool {
        isLetterOrDigit(c) || "+-=_#/".unicodeScalars.contains(c)
    }

    /// validUrlQueryChars: ASCII letters and digits and `! ? * ' @ ( ) ; : & = + $ / % # [ ] - _ . , ~ |`.
    static func isQueryCharacter(_ c: Unicode.Scalar) -> Bool {
        TweetURLs.isASCIIAlphanumeric(c) || "!?*'@();:&=+$/%#[]-_.,~|".unicodeScalars.contains(c)
    }

    /// validUrlQueryEndingChars: ASCII letters and digits and `- _ & = # /`.
    static func isQueryEnding(_ c: Unicode.Scalar) -> Bool {
        TweetURLs.isASCIIAlphanumeric(c) || "-_&=#/".unicodeScalars.contains(c)
    }

    private static func isLetterOrDigit(_ c: Unicode.Scalar) -> Bool {
        TweetURLs.isASCIIAlphanumeric(c) || (0x400...0x4FF).contains(c.value) || TweetDomain.isLatinAccent(c)
    }
}
