/// An edit of one of the line's own members: its value replaced, or new
/// elements for its array. Pooled by `RecordEditor` (a class, so its
/// buffer is reused record after record).
final class MemberEdit {
    enum Mode: Equatable {
        /// `text` is the member's whole new value, in place of `original`.
        case replace
        /// `text` holds new elements (comma-separated) for the line's own
        /// array `original`, written before its `]`; `existing` when that
        /// array already has elements (a comma goes first).
        case insertElements(existing: Bool)
    }

    private(set) var name: MemberName = ""
    private(set) var mode: Mode = .replace
    /// The member's value in the line.
    private(set) var original: Range<Int> = 0..<0
    let text = ByteBuffer(capacity: 64)

    func reset(name: MemberName, mode: Mode, original: Range<Int>) {
        self.name = name
        self.mode = mode
        self.original = original
        text.removeAll()
    }

    /// The member's value becomes whatever `text` is rewritten to.
    func becomeReplacement() {
        mode = .replace
        text.removeAll()
    }

    /// Makes room for one more element (a comma when needed, the closing
    /// `]` of a replacement array removed); nil when ready, else the kind
    /// of the value that is not an array. After the element, `closeArray()`.
    func prepareElement() -> JSONValue.Kind? {
        if case .insertElements = mode {
            if text.count > 0 { text.append(UInt8(ascii: ",")) }
            return nil
        }
        return ArrayText.prepareElement(in: text, from: 0)
    }

    /// Closes what `prepareElement` opened.
    func closeArray() {
        if case .replace = mode { text.append(UInt8(ascii: "]")) }
    }

    /// Writes the line from `cursor` up to this edit, then the edit; returns
    /// where the line resumes.
    func write(from line: UnsafeRawBufferPointer, after cursor: Int, to output: ByteBuffer) -> Int {
        switch mode {
        case .replace:
            output.append(UnsafeRawBufferPointer(rebasing: line[cursor..<original.lowerBound]))
            output.append(text.bytes)
            return original.upperBound
        case .insertElements(let existing):
            let close = original.upperBound - 1
            output.append(UnsafeRawBufferPointer(rebasing: line[cursor..<close]))
            if existing { output.append(UInt8(ascii: ",")) }
            output.append(text.bytes)
            return close
        }
    }
}

/// An array value being extended in a buffer the editor wrote.
enum ArrayText {
    /// If `buffer[start...]` is an array, removes its closing `]` and adds a
    /// comma when it has elements (the caller then writes one element and
    /// the `]`); returns nil. Otherwise leaves it and returns its kind.
    static func prepareElement(in buffer: ByteBuffer, from start: Int) -> JSONValue.Kind? {
        let bytes = buffer.bytes
        var last = bytes.count - 1
        while last >= start, ObjectScanner.isWhitespace(bytes[last]) { last -= 1 }
        var first = start
        while first < bytes.count, ObjectScanner.isWhitespace(bytes[first]) { first += 1 }
        guard last > first, bytes[first] == UInt8(ascii: "["), bytes[last] == UInt8(ascii: "]") else {
            return first < bytes.count ? ObjectScanner.kind(startingWith: bytes[first]) : .null
        }
        var previous = last - 1
        while previous > first, ObjectScanner.isWhitespace(bytes[previous]) { previous -= 1 }
        buffer.truncate(to: last)
        if previous > first { buffer.append(UInt8(ascii: ",")) }
        return nil
    }
}

extension ArrayText {
    /// nil when `value` is an array, else its kind.
    static func kind(of value: UnsafeRawBufferPointer) -> JSONValue.Kind? {
        var first = 0
        while first < value.count, ObjectScanner.isWhitespace(value[first]) { first += 1 }
        guard first < value.count else { return .null }
        return value[first] == UInt8(ascii: "[") ? nil : ObjectScanner.kind(startingWith: value[first])
    }
}
