import Glibc

/// Finding members: in this record's edits, and in the line as read.
extension RecordEditor {
    /// The edit already made to the line's own member `name`.
    func pendingEdit(_ name: MemberName) -> MemberEdit? {
        for position in 0..<editCount where edits[position].name == name { return edits[position] }
        return nil
    }

    /// False when the line certainly has no member `name`: without a
    /// backslash every name is written as is, so its quoted form must occur.
    @inline(__always)
    func mayHave(_ name: MemberName) -> Bool {
        if backslash == 0 {
            let found = text.baseAddress.map { memchr($0, Int32(UInt8(ascii: "\\")), text.count) != nil } ?? false
            backslash = found ? 2 : 1
        }
        if backslash == 2 { return true }
        return name.quoted.withUnsafeBytes { contains($0) }
    }

    /// True when `needle` (a quoted name, at least `""`) occurs in the line.
    /// Searches for the byte before its closing quote with memchr(3): for
    /// names like rx, sz and meta a rare byte in telemetry.
    @inline(__always)
    private func contains(_ needle: UnsafeRawBufferPointer) -> Bool {
        guard let base = text.baseAddress, let needleBase = needle.baseAddress, needle.count >= 2,
              text.count >= needle.count else { return false }
        let key = needle[needle.count - 2]
        var offset = needle.count - 2
        while offset < text.count - 1, let found = memchr(base + offset, Int32(key), text.count - 1 - offset) {
            let position = UnsafeRawPointer(found) - base
            let start = position + 2 - needle.count
            if text[position + 1] == UInt8(ascii: "\""), memcmp(base + start, needleBase, needle.count) == 0 {
                return true
            }
            offset = position + 1
        }
        return false
    }

    /// The line's own top-level member `name`, found by scanning the line once.
    func original(_ name: MemberName) -> MemberSpan? {
        guard mayHave(name), index() else { return nil }
        return name.bytes.withUnsafeBytes { wanted in
            for span in spans {
                let written = UnsafeRawBufferPointer(rebasing: text[span.name])
                if span.nameIsEscaped ? EscapedName.equals(written, wanted) : Self.same(written, wanted) {
                    return span
                }
            }
            return nil
        }
    }

    /// The line's own member `name` for an edit; throws when the line cannot be scanned.
    func originalSpan(_ name: MemberName) throws(RecordEditError) -> MemberSpan? {
        guard mayHave(name) else { return nil }
        guard index() else { throw .notAnObject }
        return original(name)
    }

    private static func same(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard let a = left.baseAddress, let b = right.baseAddress else { return true }
        return memcmp(a, b, left.count) == 0
    }

    /// Scans the line's top-level members once per record.
    @discardableResult
    func index() -> Bool {
        if indexState == 0 {
            indexState = ObjectScanner.scan(text, into: &spans) != nil ? 1 : 2
        }
        return indexState == 1
    }

    /// A fresh edit of the line's own member `name` from the pool.
    func newEdit(_ name: MemberName, mode: MemberEdit.Mode, original: Range<Int>) -> MemberEdit {
        if editCount == edits.count { edits.append(MemberEdit()) }
        let edit = edits[editCount]
        editCount += 1
        edit.reset(name: name, mode: mode, original: original)
        return edit
    }
}
