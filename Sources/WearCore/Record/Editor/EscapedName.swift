/// Compares a member name as written in JSON (escapes and all, without the
/// quotes) with a name's UTF-8 bytes, decoding as it goes: `fl\u0061gs` and
/// `flags` are the same member, as every JSON reader sees it. Nothing is
/// allocated; invalid escapes compare unequal.
enum EscapedName {
    static func equals(_ written: UnsafeRawBufferPointer, _ name: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var matched = 0
        var scalarBytes: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        while index < written.count {
            let byte = written[index]
            guard byte == UInt8(ascii: "\\") else {
                guard matched < name.count, name[matched] == byte else { return false }
                matched += 1
                index += 1
                continue
            }
            guard index + 1 < written.count else { return false }
            let decoded: UInt32
            switch written[index + 1] {
            case UInt8(ascii: "u"):
                guard let (scalar, length) = unicodeEscape(written, at: index) else { return false }
                decoded = scalar
                index += length
            case let other:
                guard let simple = simpleEscape(other) else { return false }
                decoded = UInt32(simple)
                index += 2
            }
            let length = encode(decoded, into: &scalarBytes)
            guard matched + length <= name.count else { return false }
            let same = withUnsafeBytes(of: scalarBytes) { encoded in
                (0..<length).allSatisfy { name[matched + $0] == encoded[$0] }
            }
            guard same else { return false }
            matched += length
        }
        return matched == name.count
    }

    private static func simpleEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// `\uXXXX` at `index`, or a surrogate pair `\uD83D\uDE00`: the scalar
    /// and how many bytes the escape took.
    private static func unicodeEscape(_ text: UnsafeRawBufferPointer, at index: Int) -> (UInt32, Int)? {
        guard let high = hex4(text, at: index + 2) else { return nil }
        guard (0xD800..<0xDC00).contains(high) else {
            return (0xDC00..<0xE000).contains(high) ? nil : (high, 6)
        }
        guard index + 7 < text.count, text[index + 6] == UInt8(ascii: "\\"), text[index + 7] == UInt8(ascii: "u"),
              let low = hex4(text, at: index + 8), (0xDC00..<0xE000).contains(low) else { return nil }
        return (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), 12)
    }

    private static func hex4(_ text: UnsafeRawBufferPointer, at start: Int) -> UInt32? {
        guard start + 4 <= text.count else { return nil }
        var value: UInt32 = 0
        for byte in text[start..<(start + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `scalar` as UTF-8; returns the length (1...4).
    private static func encode(_ scalar: UInt32, into out: inout (UInt8, UInt8, UInt8, UInt8)) -> Int {
        switch scalar {
        case 0..<0x80:
            out.0 = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            out = (UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F), 0, 0)
            return 2
        case 0x800..<0x10000:
            out = (UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F), 0)
            return 3
        default:
            out = (UInt8(0xF0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F))
            return 4
        }
    }
}
