/// Splits an expression's UTF-8 bytes into tokens, each with its line and
/// column; numbers with units are read by `QuantityScanner`.
///
/// `#` starts a comment to the end of the line. Outside string literals only
/// ASCII is allowed; a string literal must be valid UTF-8. Errors are
/// `ConfigError`s at the offending byte: `FILE:LINE:COL: message`.
public struct ExprLexer {
    let bytes: [UInt8]
    let file: String
    var offset = 0
    private var line: Int
    private var lineStart = 0
    /// The column of the byte at `lineStart`.
    private var columnBase: Int

    /// `line` and `column` are where `bytes` start in `file` (a rule's
    /// expression starts mid-line).
    public init(_ bytes: [UInt8], file: String, line: Int = 1, column: Int = 1) {
        self.bytes = bytes
        self.file = file
        self.line = line
        self.columnBase = column
    }

    /// All tokens, ending with one `.end`.
    public mutating func tokens() throws(ConfigError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    func position(at index: Int) -> SourcePosition {
        SourcePosition(line: line, column: index - lineStart + columnBase)
    }

    func error(at index: Int, _ message: String) -> ConfigError {
        let where_ = position(at: index)
        return ConfigError(file: file, line: where_.line, column: where_.column, message: message)
    }

    private mutating func skipSpaceAndComments() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): offset += 1
            case UInt8(ascii: "\n"):
                offset += 1
                line += 1
                lineStart = offset
                columnBase = 1
            case UInt8(ascii: "#"):
                while offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
            default: return
            }
        }
    }

    private mutating func next() throws(ConfigError) -> Token {
        skipSpaceAndComments()
        let start = offset
        let at = position(at: start)
        guard start < bytes.count else { return Token(.end, at: at, text: "") }
        let byte = bytes[start]
        if Self.isDigit(byte) { return try quantity(at: at) }
        if Self.isIdentifierStart(byte) { return word(at: at) }
        if byte == UInt8(ascii: "\"") { return try string(at: at) }
        if let symbol = symbol() {
            return Token(.symbol(symbol), at: at, text: symbol.rawValue)
        }
        if byte >= 0x80 {
            throw error(at: start, "unexpected byte 0x\(String(byte, radix: 16, uppercase: true)) (only ASCII outside string literals)")
        }
        throw error(at: start, "unexpected character '\(Character(Unicode.Scalar(byte)))'")
    }

    private mutating func quantity(at position: SourcePosition) throws(ConfigError) -> Token {
        let start = offset
        do {
            let (quantity, end) = try QuantityScanner.scan(bytes, from: start)
            if end < bytes.count, Self.isIdentifierStart(bytes[end]) || Self.isDigit(bytes[end]) {
                throw error(at: end, "expected an operator after '\(text(start, end))', found '\(text(end, end + 1))'")
            }
            offset = end
            return Token(.quantity(quantity), at: position, text: text(start, end))
        } catch let scanError as QuantityError {
            throw error(at: scanError.offset, scanError.message)
        } catch let config as ConfigError {
            throw config
        } catch {
            throw self.error(at: start, "\(error)")
        }
    }

    private mutating func word(at position: SourcePosition) -> Token {
        let start = offset
        while offset < bytes.count, Self.isIdentifierStart(bytes[offset]) || Self.isDigit(bytes[offset]) { offset += 1 }
        let word = text(start, offset)
        if let keyword = Token.Keyword(rawValue: word) {
            return Token(.keyword(keyword), at: position, text: word)
        }
        return Token(.identifier(word), at: position, text: word)
    }

    private mutating func symbol() -> Token.Symbol? {
        let pair = offset + 1 < bytes.count ? text(offset, offset + 2) : ""
        if let two = Token.Symbol(rawValue: pair), pair.count == 2 {
            offset += 2
            return two
        }
        guard let one = Token.Symbol(rawValue: text(offset, offset + 1)) else { return nil }
        offset += 1
        return one
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<min(end, bytes.count)], as: UTF8.self)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }
}
