/// Emoji sequences, each of which twitter-text v3 weighs as one character
/// of the default weight (2), whatever its length in code points.
///
/// Built on the standard library's Unicode properties (UTS #51 grammar),
/// not on twitter-text's generated regex: a keycap (`[0-9#*]` FE0F? U+20E3),
/// a flag (two regional indicators), a tag sequence (U+1F3F4 with tags), or
/// an emoji with its presentation selector and skin-tone modifiers, then any
/// number of ZWJ + emoji. `©`, `®` and `™` alone are characters (the regex
/// wants FE0F after them), like digits, `#` and `*` outside a keycap.
enum TweetEmoji {
    /// The number of scalars of the emoji sequence starting at `i`, or nil.
    static func sequenceLength(in s: [Unicode.Scalar], at i: Int) -> Int? {
        let c = s[i]
        if isKeycapBase(c) { return keycapLength(s, at: i) }
        if isRegionalIndicator(c) { return i + 1 < s.count && isRegionalIndicator(s[i + 1]) ? 2 : 1 }
        guard c.properties.isEmoji else { return nil }
        if textByDefault.contains(c.value), !(i + 1 < s.count && s[i + 1].value == 0xFE0F) { return nil }
        var j = afterModifiers(s, i + 1)
        while j < s.count, isTag(s[j]) { j += 1 }
        while j + 1 < s.count, s[j].value == 0x200D, isZWJElement(s[j + 1]) {
            j = afterModifiers(s, j + 2)
        }
        return j - i
    }

    /// © ® ™: emoji only with U+FE0F (weighed as characters otherwise).
    private static let textByDefault: Set<UInt32> = [0xA9, 0xAE, 0x2122]

    private static func keycapLength(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        if i + 1 < s.count, s[i + 1].value == 0x20E3 { return 2 }
        if i + 2 < s.count, s[i + 1].value == 0xFE0F, s[i + 2].value == 0x20E3 { return 3 }
        return nil
    }

    /// Past FE0F (emoji presentation), skin-tone modifiers and U+20E3.
    private static func afterModifiers(_ s: [Unicode.Scalar], _ start: Int) -> Int {
        var j = start
        while j < s.count, s[j].value == 0xFE0F || s[j].value == 0x20E3 || s[j].properties.isEmojiModifier { j += 1 }
        return j
    }

    /// What may follow a ZWJ inside a sequence: an emoji that is not a
    /// digit, `#` or `*`.
    private static func isZWJElement(_ c: Unicode.Scalar) -> Bool {
        c.properties.isEmoji && !isKeycapBase(c)
    }

    private static func isKeycapBase(_ c: Unicode.Scalar) -> Bool {
        c == "#" || c == "*" || (c.value >= 0x30 && c.value <= 0x39)
    }

    private static func isRegionalIndicator(_ c: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(c.value)
    }

    /// U+E0020-E007F: the tags of a subdivision flag (and its cancel tag).
    private static func isTag(_ c: Unicode.Scalar) -> Bool {
        (0xE0020...0xE007F).contains(c.value)
    }
}
