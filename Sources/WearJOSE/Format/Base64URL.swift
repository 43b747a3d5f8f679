import CWearCrypto

/// Base64url (RFC 4648 §5) as JOSE uses it: URL alphabet, no padding.
///
/// `decode(_:into:)` is the strict, allocation-free decoder of the hot path:
/// it refuses `=`, `+`, `/`, whitespace, a length of 4n+1, and non-zero
/// trailing bits, so every byte string has exactly one accepted encoding.
public enum Base64URL {
    /// Decoded size of `count` base64url characters, nil when no string of
    /// that length is valid (4n+1).
    @inline(__always)
    public static func decodedCount(_ count: Int) -> Int? {
        let tail = count & 3
        guard tail != 1 else { return nil }
        return (count >> 2) * 3 + (tail == 0 ? 0 : tail - 1)
    }

    /// Decodes `text` into `output` (at least `decodedCount(text.count)`
    /// bytes); returns the number of bytes written, or nil if `text` is not
    /// strict base64url.
    @inline(__always)
    public static func decode(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer) -> Int? {
        guard let count = decodedCount(text.count) else { return nil }
        guard count > 0, let input = text.baseAddress else { return 0 }
        let (t0, t1, t2, t3) = tables
        let out = output.assumingMemoryBound(to: UInt8.self)
        let source = input.assumingMemoryBound(to: UInt8.self)
        let blocks = text.count >> 2
        var bad: UInt32 = 0
        var o = 0
        var i = 0
        for _ in 0..<blocks {
            let word = t0[Int(source[i])] | t1[Int(source[i + 1])] | t2[Int(source[i + 2])] | t3[Int(source[i + 3])]
            bad |= word
            out[o] = UInt8(truncatingIfNeeded: word >> 16)
            out[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
            out[o + 2] = UInt8(truncatingIfNeeded: word)
            i += 4
            o += 3
        }
        switch text.count & 3 {
        case 2:
            // Two characters carry one byte: the low 4 bits of the second must be zero.
            let word = t0[Int(source[i])] | t1[Int(source[i + 1])]
            bad |= word | (word & 0xF000 == 0 ? 0 : invalid)
            out[o] = UInt8(truncatingIfNeeded: word >> 16)
        case 3:
            // Three characters carry two bytes: the low 2 bits of the third must be zero.
            let word = t0[Int(source[i])] | t1[Int(source[i + 1])] | t2[Int(source[i + 2])]
            bad |= word | (word & 0xC0 == 0 ? 0 : invalid)
            out[o] = UInt8(truncatingIfNeeded: word >> 16)
            out[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
        default:
            break
        }
        return bad & invalid == 0 ? count : nil
    }

    /// The same strict decoding, for long parts (the ciphertext): 32
    /// characters per step with AVX2 where the CPU has it, in C. `output`
    /// has room for `capacity` bytes; give 32 bytes more than the decoded
    /// size for the vector steps to cover everything. Nil if `text` is not
    /// strict base64url or does not fit.
    @inline(__always)
    public static func decode(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        guard let input = text.baseAddress else { return decodedCount(0) }
        let written = wear_base64url_decode(input.assumingMemoryBound(to: UInt8.self), text.count,
                                            output.assumingMemoryBound(to: UInt8.self), capacity)
        return written < 0 ? nil : written
    }

    /// Strict decoding into a new array (off the hot path).
    public static func decode<Bytes: Collection>(_ text: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        let input = Array(text)
        guard let count = decodedCount(input.count) else { return nil }
        var output = [UInt8](repeating: 0, count: count)
        let written = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                target.baseAddress.map { decode(source, into: $0) } ?? (source.isEmpty ? 0 : nil)
            }
        }
        return written == nil ? nil : output
    }

    /// Lenient decoding for key files written by hand: also accepts the
    /// standard alphabet (`+`, `/`) and trailing `=` padding.
    public static func decodeLenient(_ text: String) -> [UInt8]? {
        var bytes = Array(text.utf8)
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "+") { bytes[index] = UInt8(ascii: "-") }
            if bytes[index] == UInt8(ascii: "/") { bytes[index] = UInt8(ascii: "_") }
        }
        return decode(bytes)
    }

    /// Base64url text without padding.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: encodeBytes(bytes), as: UTF8.self)
    }

    /// Base64url characters (ASCII bytes) without padding.
    public static func encodeBytes<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let word = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(word >> 18 & 63)])
            output.append(alphabet[Int(word >> 12 & 63)])
            output.append(alphabet[Int(word >> 6 & 63)])
            output.append(alphabet[Int(word & 63)])
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let word = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            output.append(alphabet[Int(word >> 18 & 63)])
            output.append(alphabet[Int(word >> 12 & 63)])
            if rest == 2 { output.append(alphabet[Int(word >> 6 & 63)]) }
        }
        return output
    }

    /// Set in a table entry for a byte outside the alphabet (above the 24 data bits).
    private static let invalid: UInt32 = 0x0100_0000

    /// Four 256-entry tables: each character's 6-bit value already shifted
    /// into its place in a 24-bit group (first character: bits 18-23, ...),
    /// or `invalid`. A group of four decodes with four loads and three ORs.
    private nonisolated(unsafe) static let tables: (UnsafePointer<UInt32>, UnsafePointer<UInt32>, UnsafePointer<UInt32>,
                                                    UnsafePointer<UInt32>) = {
        func table(shift: UInt32) -> UnsafePointer<UInt32> {
            let table = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
            table.initialize(repeating: invalid, count: 256)
            for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
                table[Int(character)] = UInt32(value) << shift
            }
            return UnsafePointer(table)
        }
        return (table(shift: 18), table(shift: 12), table(shift: 6), table(shift: 0))
    }()
}
