import Glibc
import WearCore

/// Checks on the authenticated plaintext: one JSON object (validated by
/// simdjson, no duplicate members) whose `dev` is a string equal to the kid.
enum Plaintext {
    /// The plaintext as one line: JSON allows raw newlines only as
    /// whitespace (never inside strings), so CR and LF become spaces; leading
    /// whitespace is dropped.
    static func singleLine(_ plaintext: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let base = plaintext.baseAddress else { return UnsafeRawBufferPointer(plaintext) }
        var start = 0
        while start < plaintext.count, isWhitespace(plaintext[start]) { start += 1 }
        if memchr(base, 0x0A, plaintext.count) != nil || memchr(base, 0x0D, plaintext.count) != nil {
            for index in start..<plaintext.count where plaintext[index] == 0x0A || plaintext[index] == 0x0D {
                plaintext[index] = 0x20
            }
        }
        return UnsafeRawBufferPointer(rebasing: plaintext[start...])
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
        guard !root.hasDuplicateKeys(parsedFrom: plaintext) else {
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

    /// Which of the members the stage may add the plaintext already has.
    /// Found by a byte search first: a member named `rx` appears as `"rx"`
    /// in the text unless its name is escaped, so the parsed object is only
    /// consulted when the text contains the name or a backslash.
    struct Members {
        private let text: UnsafeRawBufferPointer
        private let root: JSONValue
        private let escaped: Bool

        init(_ text: UnsafeRawBufferPointer, root: JSONValue) {
            self.text = text
            self.root = root
            self.escaped = text.baseAddress.map { memchr($0, Int32(UInt8(ascii: "\\")), text.count) != nil } ?? false
        }

        func has(_ name: StaticString) -> Bool {
            let bare = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if !escaped, !contains(quoted: bare) { return false }
            return root.member(bare) != nil
        }

        /// True when `"name"` occurs in the text. Searches for the name's last
        /// character (memchr), which for rx, sz and meta is rare in telemetry.
        private func contains(quoted name: UnsafeRawBufferPointer) -> Bool {
            guard let base = text.baseAddress, let nameBase = name.baseAddress, let last = name.last else { return false }
            let quote = UInt8(ascii: "\"")
            var offset = name.count  // the earliest position of the last character after an opening quote
            while offset + 1 < text.count, let found = memchr(base + offset, Int32(last), text.count - 1 - offset) {
                let position = UnsafeRawPointer(found) - base
                let start = position + 1 - name.count
                if text[position + 1] == quote, text[start - 1] == quote, memcmp(base + start, nameBase, name.count) == 0 {
                    return true
                }
                offset = position + 1
            }
            return false
        }
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
