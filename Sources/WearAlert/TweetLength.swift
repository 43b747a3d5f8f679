/// A post's length as X counts it: twitter-text's `parseTweet` with its
/// configuration v3 (weighted length, max 280).
///
/// The text is NFC-normalised first; then each URL counts 23, each emoji
/// sequence (ZWJ sequences, flags, keycaps, skin tones, tag sequences) 2, a
/// code point in the light ranges (U+0000-10FF, U+2000-200D, U+2010-201F,
/// U+2032-2037) 1 and any other 2. Indices in the result are UTF-16 code
/// units of the text as given, inclusive, as twitter-text reports them.
/// Pure and allocation-light; see docs/wear-alert.md for what is and is not
/// matched exactly.
public enum TweetLength {
    /// What `parse` reports (twitter-text's `ParseResults`).
    public struct Result: Sendable, Equatable {
        /// The weighted length (weights divided by the scale).
        public var weightedLength: Int
        /// Non-empty, no invalid character (U+FFFE, U+FEFF, U+FFFF), and
        /// `weightedLength <= maxWeightedLength`.
        public var isValid: Bool
        /// `weightedLength / max * 1000`, rounded down.
        public var permillage: Int
        /// The whole text: 0 ... its UTF-16 count - 1 (0 ... 0 when empty).
        public var displayRange: ClosedRange<Int>
        /// The longest valid prefix: 0 ... the UTF-16 index of its last unit.
        public var validRange: ClosedRange<Int>
    }

    /// twitter-text's `parseTweet(text, config)`.
    public static func parse(_ text: String, configuration: TweetLengthConfiguration = .v3) -> Result {
        let original16 = text.utf16.count
        let scalars = Array(nfc(text).unicodeScalars)
        let offsets = utf16Offsets(scalars)
        let urls = TweetURLs.entities(in: scalars)
        let scale = configuration.scale
        var nextURL = urls.startIndex
        var weight = 0
        var valid = true
        var validEnd16 = 0
        var i = 0
        while i < scalars.count {
            let end: Int
            if nextURL < urls.endIndex, urls[nextURL].lowerBound == i {
                weight += configuration.transformedURLLength * scale
                end = urls[nextURL].upperBound
                nextURL += 1
            } else if configuration.emojiParsingEnabled, let count = TweetEmoji.sequenceLength(in: scalars, at: i) {
                weight += configuration.defaultWeight
                end = i + count
            } else {
                weight += configuration.weight(of: scalars[i])
                end = i + 1
            }
            // twitter-text tests the last code unit of what it just counted.
            if valid { valid = !isInvalidCharacter(scalars[end - 1]) }
            if valid, weight <= configuration.maxWeightedLength * scale { validEnd16 = offsets[end] - 1 }
            i = end
        }
        let weighted = weight / scale
        // The same double arithmetic as JavaScript's Math.floor(w / max * 1000).
        let permillage = Int((Double(weighted) / Double(configuration.maxWeightedLength) * 1000).rounded(.down))
        let offset = original16 - offsets[scalars.count]
        return Result(weightedLength: weighted,
                      isValid: valid && weighted > 0 && weighted <= configuration.maxWeightedLength,
                      permillage: permillage,
                      displayRange: 0...max(original16 - 1, 0),
                      validRange: 0...max(validEnd16 + offset, 0))
    }

    /// The weighted length of `text` (e.g. 26 for "Hi http://test.co").
    public static func weightedLength(of text: String, configuration: TweetLengthConfiguration = .v3) -> Int {
        parse(text, configuration: configuration).weightedLength
    }

    /// Whether X would accept `text` as a post's length: non-empty, within
    /// the maximum, no invalid character.
    public static func isValid(_ text: String, configuration: TweetLengthConfiguration = .v3) -> Bool {
        parse(text, configuration: configuration).isValid
    }

    /// `text` in Unicode normalisation form C. The standard library's own
    /// normaliser (the one String comparison uses) rather than Foundation,
    /// which no domain module imports; the conformance cases pin it.
    static func nfc(_ text: String) -> String {
        String(decoding: text._nfcCodeUnits, as: UTF8.self)
    }

    /// Invalid in a post: U+FFFE, U+FEFF, U+FFFF (twitter-text's invalid chars).
    static func isInvalidCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0xFFFE || scalar.value == 0xFEFF || scalar.value == 0xFFFF
    }

    /// UTF-16 offset of each scalar index (one more entry: the total).
    private static func utf16Offsets(_ scalars: [Unicode.Scalar]) -> [Int] {
        var offsets = [Int]()
        offsets.reserveCapacity(scalars.count + 1)
        var total = 0
        for scalar in scalars {
            offsets.append(total)
            total += UTF16.width(scalar)
        }
        offsets.append(total)
        return offsets
    }
}

/// twitter-text's weighting configuration; `.v3` is the one X uses.
public struct TweetLengthConfiguration: Sendable, Equatable {
    /// A range of code points and its weight.
    public struct WeightedRange: Sendable, Equatable {
        public var range: ClosedRange<UInt32>
        public var weight: Int
        public init(_ range: ClosedRange<UInt32>, weight: Int) {
            self.range = range
            self.weight = weight
        }
    }

    public var maxWeightedLength: Int
    public var scale: Int
    public var defaultWeight: Int
    public var transformedURLLength: Int
    public var ranges: [WeightedRange]
    /// Whether an emoji sequence weighs `defaultWeight` as a whole.
    public var emojiParsingEnabled: Bool

    /// config v3: max 280, scale 100, default weight 200, URLs 23, weight
    /// 100 for U+0000-10FF, U+2000-200D, U+2010-201F, U+2032-2037; emoji
    /// sequences weigh the default weight.
    public static let v3 = TweetLengthConfiguration(
        maxWeightedLength: 280, scale: 100, defaultWeight: 200, transformedURLLength: 23,
        ranges: [.init(0...4351, weight: 100), .init(8192...8205, weight: 100),
                 .init(8208...8223, weight: 100), .init(8242...8247, weight: 100)],
        emojiParsingEnabled: true)

    public init(maxWeightedLength: Int, scale: Int, defaultWeight: Int, transformedURLLength: Int,
                ranges: [WeightedRange], emojiParsingEnabled: Bool) {
        self.maxWeightedLength = maxWeightedLength
        self.scale = scale
        self.defaultWeight = defaultWeight
        self.transformedURLLength = transformedURLLength
        self.ranges = ranges
        self.emojiParsingEnabled = emojiParsingEnabled
    }

    /// The weight of one code point (scaled).
    func weight(of scalar: Unicode.Scalar) -> Int {
        ranges.first { $0.range.contains(scalar.value) }?.weight ?? defaultWeight
    }
}

extension TweetLength {
    /// `body + suffix` if its weighted length is at most `max`; otherwise
    /// the longest prefix of `body` (whole grapheme clusters, trailing white
    /// space dropped) + "…" + `suffix` that is. The suffix (the post's
    /// hashtag) is always kept whole. Only when even "…" + `suffix` is too
    /// long is the result `suffix` alone, which may then be over `max`.
    ///
    /// Cutting can turn a URL into plain text and back, so the weight is
    /// not monotonic in the cut: prefixes are tried from the longest down,
    /// one parse each (quadratic, which is nothing for a post-sized body).
    public static func truncate(_ body: String, keepingSuffix suffix: String, max: Int = 280,
                                configuration: TweetLengthConfiguration = .v3) -> String {
        let whole = body + suffix
        if weightedLength(of: whole, configuration: configuration) <= max { return whole }
        let characters = Array(body)
        for count in stride(from: characters.count - 1, through: 0, by: -1) {
            var head = characters[..<count]
            while let last = head.last, last.isWhitespace { head.removeLast() }
            let candidate = String(head) + ellipsis + suffix
            if weightedLength(of: candidate, configuration: configuration) <= max { return candidate }
        }
        return suffix
    }

    /// What marks a cut: U+2026 HORIZONTAL ELLIPSIS (weight 2).
    public static let ellipsis = "\u{2026}"
}
