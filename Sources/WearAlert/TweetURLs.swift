/// The URLs in a post, found as twitter-text's `extractUrlsWithIndices`
/// finds them (each one then counts 23): an optional `http://` or
/// `https://`, a host whose last label starts with a known TLD
/// (`TwitterTLDs`), an optional port, path and query with twitter-text's
/// character classes, scanned left to right like its global regex (after a
/// match, refused or not, the scan resumes at its end).
///
/// Refused like twitter-text: a host label over 63 characters once
/// IDNA-encoded, a URL over 4096 code units, a t.co slug over 40. Without
/// a scheme only an ASCII host counts, not after `-`, `_`, `.` or `/`, and
/// a two-label host under a country TLD (`example.jp`) only with a path,
/// except under `.co` and `.tv`. Works on the NFC scalars of the text.
enum TweetURLs {
    /// Scalar index ranges of the URLs in `s`, in order, never overlapping.
    static func entities(in s: [Unicode.Scalar]) -> [Range<Int>] {
        guard s.contains(".") else { return [] }
        var found: [Range<Int>] = []
        var p = 0
        while p <= s.count {
            // The regex's preceding-character group: a character before the
            // URL, tried first, or (only at the very start) none.
            var candidate: Candidate?
            if p < s.count, precedesURL(s[p]) { candidate = match(s, at: p + 1, before: s[p]) }
            if candidate == nil, p == 0 { candidate = match(s, at: 0, before: nil) }
            guard let candidate else {
                p += 1
                continue
            }
            found.append(contentsOf: accepted(candidate, in: s))
            p = candidate.end
        }
        return found
    }

    /// What the URL regex matched, before twitter-text's checks.
    struct Candidate {
        var start: Int
        var end: Int
        var protocolLength: Int
        var domain: Range<Int>
        var hasPath: Bool
        var before: Unicode.Scalar?
    }

    /// The regex's URL group at `u`: protocol?, domain, (:port)?, (/path)?, (?query)?.
    static func match(_ s: [Unicode.Scalar], at u: Int, before: Unicode.Scalar?) -> Candidate? {
        guard u < s.count else { return nil }
        let protocolLength = schemeLength(s, at: u)
        guard let domainEnd = TweetDomain.matchHost(s, from: u + protocolLength) else { return nil }
        var j = domainEnd
        if j + 1 < s.count, s[j] == ":", isDigit(s[j + 1]) {
            j += 1
            while j < s.count, isDigit(s[j]) { j += 1 }
        }
        var hasPath = false
        if j < s.count, s[j] == "/" {
            hasPath = true
            j = TweetURLCharacters.pathEnd(s, from: j + 1)
        }
        if j < s.count, s[j] == "?" { j = TweetURLCharacters.queryEnd(s, from: j + 1) ?? j }
        return Candidate(start: u, end: j, protocolLength: protocolLength,
                         domain: (u + protocolLength)..<domainEnd, hasPath: hasPath, before: before)
    }

    /// twitter-text's checks on a match: the entities it keeps (none, one,
    /// or for a schemeless match every ASCII host in it).
    static func accepted(_ c: Candidate, in s: [Unicode.Scalar]) -> [Range<Int>] {
        guard TweetDomain.isValidIDNA(s, c.domain) else { return [] }
        let length16 = s[c.start..<c.end].reduce(0) { $0 + UTF16.width($1) }
        guard (c.protocolLength > 0 ? c.protocolLength : 8) + length16 <= 4096 else { return [] }
        if c.protocolLength > 0 { return tcoCut(c, in: s) }
        if let before = c.before, "-_./".unicodeScalars.contains(before) { return [] }
        var kept: [Range<Int>] = []
        var last: Range<Int>?
        for host in TweetDomain.asciiHosts(s, in: c.domain) {
            last = host
            if c.hasPath || TweetDomain.isShortHost(s, host, tlds: ["co", "tv"])
                || !TweetDomain.isShortHost(s, host, tlds: TwitterTLDs.country) {
                kept.append(host)
            }
        }
        // With a path, the last ASCII host's entity runs to the URL's end.
        if c.hasPath, let last, let index = kept.lastIndex(of: last) {
            kept[index] = last.lowerBound..<(last.upperBound + c.end - c.domain.upperBound)
        }
        return kept
    }

    /// A t.co URL keeps only `https?://t.co/` and its alphanumeric slug,
    /// and is refused when the slug is over 40 characters.
    private static func tcoCut(_ c: Candidate, in s: [Unicode.Scalar]) -> [Range<Int>] {
        let prefix = Array("t.co/".unicodeScalars)
        let hostStart = c.start + c.protocolLength
        guard hostStart + prefix.count < c.end,
              zip(s[hostStart..<(hostStart + prefix.count)], prefix).allSatisfy({ lowered($0) == $1 }) else {
            return [c.start..<c.end]
        }
        var slugEnd = hostStart + prefix.count
        while slugEnd < c.end, isASCIIAlphanumeric(s[slugEnd]) { slugEnd += 1 }
        let slug = slugEnd - hostStart - prefix.count
        if slug == 0 { return [c.start..<c.end] }
        return slug > 40 ? [] : [c.start..<slugEnd]
    }

    /// 7 for `http://`, 8 for `https://` (any case), else 0.
    static func schemeLength(_ s: [Unicode.Scalar], at u: Int) -> Int {
        let http = Array("http".unicodeScalars)
        guard u + 7 <= s.count, zip(s[u..<(u + 4)], http).allSatisfy({ lowered($0) == $1 }) else { return 0 }
        var j = u + 4
        if lowered(s[j]) == "s" { j += 1 }
        guard j + 3 <= s.count, s[j] == ":", s[j + 1] == "/", s[j + 2] == "/" else { return 0 }
        return j + 3 - u
    }

    /// twitter-text's validUrlPrecedingChars: anything but an ASCII letter
    /// or digit, `@ ＠ $ # ＃` or an invalid character.
    static func precedesURL(_ c: Unicode.Scalar) -> Bool {
        !(isASCIIAlphanumeric(c) || "@＠$#＃".unicodeScalars.contains(c) || TweetLength.isInvalidCharacter(c))
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    static func isASCIIAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || (c.value | 0x20 >= 0x61 && c.value | 0x20 <= 0x7A)
    }

    /// ASCII letters lowered, anything else unchanged.
    static func lowered(_ c: Unicode.Scalar) -> Unicode.Scalar {
        c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(UInt8(c.value | 0x20)) : c
    }
}
