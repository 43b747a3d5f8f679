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
        let table = decodeTable
        let out = output.assumingMemoryBound(to: UInt8.self)
        let source = input.assumingMemoryBound(to: UInt8.self)
        let blocks = text.count >> 2
        var bad: UInt32 = 0
        var o = 0
        var i = 0
        for _ in 0..<blocks {
            let a = UInt32(table[Int(source[i])]), b = UInt32(table[Int(source[i + 1])])
            let c = UInt32(table[Int(source[i + 2])]), d = UInt32(table[Int(source[i + 3])])
            bad |= a | b | c | d
            let word = a << 18 | b << 12 | c << 6 | d
            out[o] = UInt8(truncatingIfNeeded: word >> 16)
            out[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
            out[o + 2] = UInt8(truncatingIfNeeded: word)
            i += 4
            o += 3
        }
        switch text.count & 3 {
        case 2:
            let a = UInt32(table[Int(source[i])]), b = UInt32(table[Int(source[i + 1])])
            bad |= a | b
            guard b & 0x0F == 0 || b & 0x40 != 0 else { return nil }
            out[o] = UInt8(truncatingIfNeeded: a << 2 | b >> 4)
        case 3:
            let a = UInt32(table[Int(source[i])]), b = UInt32(table[Int(source[i + 1])])
            let c = UInt32(table[Int(source[i + 2])])
            bad |= a | b | c
            guard c & 0x03 == 0 || c & 0x40 != 0 else { return nil }
            let word = a << 10 | b << 4 | c >> 2
            out[o] = UInt8(truncatingIfNeeded: word >> 8)
            out[o + 1] = UInt8(truncatingIfNeeded: word)
        default:
            break
        }
        return bad & 0x40 == 0 ? count : nil
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

    /// 256 entries: the 6-bit value of each alphabet character, 0x40 for any other byte.
    private nonisolated(unsafe) static let decodeTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0x40, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return UnsafePointer(table)
    }()
}
