import Glibc
import WearCore

/// Checks on the authenticated plaintext: one JSON object (validated by
/// simdjson, no duplicate members) whose `dev` is a string equal to the kid.
enum Plaintext {
    /// The plaintext as one line: JSON allows raw newlines only as
    /// whitespace (never inside strings), so CR and LF become spaces; leading
    /// and trailing whitespace is dropped.
    static func singleLine(_ plaintext: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let base = plaintext.baseAddress else { return UnsafeRawBufferPointer(plaintext) }
        var start = 0
        while start < plaintext.count, isWhitespace(plaintext[start]) { start += 1 }
        var end = plaintext.count
        while end > start, isWhitespace(plaintext[end - 1]) { end -= 1 }
        if memchr(base, 0x0A, plaintext.count) != nil || memchr(base, 0x0D, plaintext.count) != nil {
            for index in start..<plaintext.count where plaintext[index] == 0x0A || plaintext[index] == 0x0D {
                plaintext[index] = 0x20
            }
        }
        return UnsafeRawBufferPointer(rebasing: plaintext[start..<end])
    }

    /// The plaintext's root object, or why it is not acceptable. `plaintext`
    /// must have `JSONParser.padding` readable bytes after its end.
    static func check(_ plaintext: UnsafeRawBufferPointer, parser: JSONParser, kid: UnsafeRawBufferPointer) -> Result<JSONValue, Refusal> {
        let root: JSONValue
        switch parser.parse(padded: plaintext) {
        case .success(let value): root = value
        case .failure(let error): return .failure(Refusal(.badPlaintext, "plaintext is not JSON: \(error.description)"))
        }
        guard root.isObject else {
            return .failure(Refusal(.badPlaintext, "plaintext is \(root.kind.article), expected an object"))
        }
        guard !parser.hasDuplicateKeys(root, parsedFrom: plaintext) else {
            return .failure(Refusal(.badPlaintext, "plaintext has a member name twice"))
        }
        guard let dev = root["dev"] else { return .failure(Refusal(.badPlaintext, "plaintext has no \"dev\"")) }
        guard dev.stringEquals(kid) else {
            guard let bytes = dev.stringBytes else {
                return .failure(Refusal(.badPlaintext, "plaintext \"dev\" must be a string, found \(dev.kind.article)"))
            }
            return .failure(Refusal(.devMismatch, "plaintext dev \(quoted(bytes)) differs from the header kid \(quoted(kid))"))
        }
        return .success(root)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func quoted(_ bytes: UnsafeRawBufferPointer) -> String {
        let limit = 40
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        let clean = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return "\"" + clean + (bytes.count > limit ? "…" : "") + "\""
    }
}
