extension ExprLexer {
    /// A string literal: `"..."` on one line, escapes `\" \\ \n \t \r`
    /// and `\u{HEX}`; its bytes must be valid UTF-8.
    mutating func string(at position: SourcePosition) throws(ConfigError) -> Token {
        let open = offset
        var value: [UInt8] = []
        var index = open + 1
        while true {
            guard index < bytes.count, bytes[index] != UInt8(ascii: "\n") else {
                throw error(at: open, "unterminated string: add a closing '\"' on the same line")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                index = try escape(at: index, into: &value)
                continue
            }
            value.append(byte)
            index += 1
        }
        guard let decoded = String(validating: value, as: UTF8.self) else {
            throw error(at: open, "invalid UTF-8 in string literal")
        }
        offset = index + 1
        return Token(.string(decoded), at: position, text: text(open, index + 1))
    }

    /// Appends the escape at `index` (a backslash) and returns the index after it.
    private func escape(at index: Int, into value: inout [UInt8]) throws(ConfigError) -> Int {
        guard index + 1 < bytes.count else { throw error(at: index, "unterminated string: add a closing '\"' on the same line") }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "u"): return try unicodeEscape(at: index, into: &value)
        default:
            throw error(at: index, "unknown escape '\\\(text(index + 1, index + 2))': use \\\" \\\\ \\n \\t \\r or \\u{HEX}")
        }
        return index + 2
    }

    private func unicodeEscape(at index: Int, into value: inout [UInt8]) throws(ConfigError) -> Int {
        var end = index + 2
        guard end < bytes.count, bytes[end] == UInt8(ascii: "{") else {
            throw error(at: index, "expected '{' after '\\u' (as in \\u{e9})")
        }
        end += 1
        let digitsStart = end
        while end < bytes.count, end - digitsStart < 9, bytes[end] != UInt8(ascii: "}") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "}"),
              let code = UInt32(text(digitsStart, end), radix: 16), let scalar = Unicode.Scalar(code) else {
            throw error(at: index, "invalid \\u{...} escape: 1 to 8 hex digits of a Unicode scalar")
        }
        value.append(contentsOf: Array(String(Character(scalar)).utf8))
        return end + 1
    }
}
