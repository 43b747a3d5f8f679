/// The edits: every setter and appender comes down to `set(_:writing:)` and
/// `append(to:writing:)`, whose closure writes one JSON value into the
/// buffer it is given (with the `ByteBuffer+JSON` writers).
extension RecordEditor {
    /// Sets member `name` to the JSON value `write` writes: in place of the
    /// line's own value when it has the member, else as a new member after
    /// the last one. Setting a member twice keeps the last value.
    public func set(_ name: MemberName, writing write: (ByteBuffer) -> Void) throws(RecordEditError) {
        if let index = added.find(name) {
            let last = added.reopenValue(index)
            write(added.buffer)
            added.close(last)
        } else if let edit = pendingEdit(name) {
            edit.becomeReplacement()
            write(edit.text)
        } else if let span = try originalSpan(name) {
            write(newEdit(name, mode: .replace, original: span.value).text)
        } else {
            added.add(name, write)
        }
    }

    /// Adds member `name` with the value `write` writes unless the record
    /// has it (as read, or from an earlier edit); true when it added it.
    /// One look-up: cheaper than `has` then `set` (wear-decrypt's `rx`, `sz`).
    @discardableResult @inline(__always)
    public func setIfAbsent(_ name: MemberName, writing write: (ByteBuffer) -> Void) -> Bool {
        guard !has(name) else { return false }
        added.add(name, write)
        return true
    }

    /// Appends the JSON value `write` writes to the array member `name`,
    /// creating `"name":[value]` when the record has no such member. Throws
    /// `notAnArray` when the member holds something else (the record is
    /// then not changed by this call).
    public func append(to name: MemberName, writing write: (ByteBuffer) -> Void) throws(RecordEditError) {
        if let index = added.find(name) {
            if let found = ArrayText.kind(of: added.value(index)) { throw .notAnArray(name, found: found) }
            let last = added.moveToEnd(index)
            _ = ArrayText.prepareElement(in: added.buffer, from: added.entries[last].valueStart)
            write(added.buffer)
            added.buffer.append(UInt8(ascii: "]"))
            added.close(last)
        } else if let edit = pendingEdit(name) {
            if let found = edit.prepareElement() { throw .notAnArray(name, found: found) }
            write(edit.text)
            edit.closeArray()
        } else if let span = try originalSpan(name) {
            let first = text[span.value.lowerBound]
            guard first == UInt8(ascii: "[") else {
                throw .notAnArray(name, found: ObjectScanner.kind(startingWith: first))
            }
            var previous = span.value.upperBound - 2
            while previous > span.value.lowerBound, ObjectScanner.isWhitespace(text[previous]) { previous -= 1 }
            let edit = newEdit(name, mode: .insertElements(existing: previous > span.value.lowerBound), original: span.value)
            write(edit.text)
        } else {
            let index = added.open(name)
            added.buffer.append(UInt8(ascii: "["))
            write(added.buffer)
            added.buffer.append(UInt8(ascii: "]"))
            added.close(index)
        }
    }
}

/// Typed values, for the common cases.
extension RecordEditor {
    public func set(_ name: MemberName, int value: Int) throws(RecordEditError) {
        try set(name) { $0.append(int: value) }
    }

    /// A number; NaN and infinities (not JSON) are written as null.
    public func set(_ name: MemberName, double value: Double) throws(RecordEditError) {
        try set(name) { $0.append(jsonNumber: value) }
    }

    /// A number, or null for nil (wear-score's `score` while warming up).
    public func set(_ name: MemberName, number value: Double?) throws(RecordEditError) {
        try set(name) { buffer in
            if let value { buffer.append(jsonNumber: value) } else { buffer.append("null") }
        }
    }

    public func set(_ name: MemberName, bool value: Bool) throws(RecordEditError) {
        try set(name) { $0.append(value ? "true" : "false") }
    }

    public func setNull(_ name: MemberName) throws(RecordEditError) {
        try set(name) { $0.append("null") }
    }

    /// A string, escaped.
    public func set(_ name: MemberName, string value: String) throws(RecordEditError) {
        try set(name) { $0.append(jsonString: value) }
    }

    /// A value that is already JSON text (a sub-document's bytes).
    public func set(_ name: MemberName, rawJSON value: UnsafeRawBufferPointer) throws(RecordEditError) {
        try set(name) { $0.append(value) }
    }

    @discardableResult
    public func setIfAbsent(_ name: MemberName, int value: Int) -> Bool {
        setIfAbsent(name) { $0.append(int: value) }
    }

    /// A number unless the record has `name`; NaN and infinities are written as null.
    @discardableResult
    public func setIfAbsent(_ name: MemberName, double value: Double) -> Bool {
        setIfAbsent(name) { $0.append(jsonNumber: value) }
    }

    /// JSON text unless the record has `name`.
    @discardableResult
    public func setIfAbsent(_ name: MemberName, rawJSON value: UnsafeRawBufferPointer) -> Bool {
        setIfAbsent(name) { $0.append(value) }
    }

    /// Appends a string (escaped) to the array `name`: a `tag` rule's name to `flags`.
    public func append(to name: MemberName, string value: String) throws(RecordEditError) {
        try append(to: name) { $0.append(jsonString: value) }
    }

    /// Appends a member name's text as a string element (its escaped form, prepared once).
    public func append(to name: MemberName, string value: MemberName) throws(RecordEditError) {
        try append(to: name) { buffer in value.quoted.withUnsafeBytes { buffer.append($0) } }
    }

    public func append(to name: MemberName, int value: Int) throws(RecordEditError) {
        try append(to: name) { $0.append(int: value) }
    }

    /// Appends a value that is already JSON text.
    public func append(to name: MemberName, rawJSON value: UnsafeRawBufferPointer) throws(RecordEditError) {
        try append(to: name) { $0.append(value) }
    }
}
