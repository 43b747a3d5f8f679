import Glibc

/// Edits one JSON object line without re-serialising it: sets or replaces a
/// member's value, appends to an array member (creating it when absent),
/// and leaves every byte outside the edits as it was read: the members a
/// stage does not own pass through byte for byte.
///
/// Names are `MemberName`s known at run time (escaped when written); a name
/// the record already has, even written with escapes (`"fl\u0061gs"` is
/// `flags`), is edited in place, so an edit never produces a duplicate
/// member. Edits compose: append to `flags` twice, set `score` then `why`,
/// in any order; `finish()` writes the line once. New members go after the
/// line's last member, in the order they were added; changing a new member
/// again moves it after the other new ones (a line's own member is always
/// edited where it is).
///
/// Cost: a member the line does not have is ruled out by a memchr(3) search
/// for its quoted name unless the line has a backslash, else by the parsed
/// root when given; the line's top-level members are only scanned (once per
/// record) to replace or extend a member it has. Buffers are reused:
/// nothing is allocated per record once they have grown.
///
/// One editor per thread; `finish()`'s bytes are valid until the next `begin`.
public final class RecordEditor {
    @exclusivity(unchecked) var text = UnsafeRawBufferPointer(start: nil, count: 0)
    @exclusivity(unchecked) var root: JSONValue?
    /// Where new members go: after the last member (before any whitespace and the closing `}`).
    @exclusivity(unchecked) var insertion = 0
    @exclusivity(unchecked) var isEmptyObject = true
    /// 0: not looked yet; 1: no backslash in the line; 2: a backslash.
    @exclusivity(unchecked) var backslash: UInt8 = 0
    @exclusivity(unchecked) var spans: [MemberSpan] = []
    @exclusivity(unchecked) var indexState: UInt8 = 0  // 0: not scanned, 1: scanned, 2: not an object
    let added = AddedMembers()
    /// Edits of the line's own members are `edits[0..<editCount]`; the rest is a pool.
    @exclusivity(unchecked) var edits: [MemberEdit] = []
    @exclusivity(unchecked) var editCount = 0
    @exclusivity(unchecked) var order: [Int] = []
    let output: ByteBuffer

    public init(capacity: Int = 4096) {
        output = ByteBuffer(capacity: capacity)
        spans.reserveCapacity(32)
        order.reserveCapacity(8)
    }

    /// Starts editing `line`, a validated JSON object; `root` (its simdjson
    /// root, when the caller has it) lets `has` answer without a scan. False
    /// when the line is not an object: nothing can be edited then.
    public func begin(object line: UnsafeRawBufferPointer, root: JSONValue? = nil) -> Bool {
        text = line
        self.root = root
        editCount = 0
        backslash = 0
        if indexState != 0 {
            indexState = 0
            spans.removeAll(keepingCapacity: true)
        }
        added.removeAll()
        if let root, !root.isObject { return false }
        var close = line.count - 1
        while close >= 0, ObjectScanner.isWhitespace(line[close]) { close -= 1 }
        let open = ObjectScanner.skipWhitespace(line, from: 0)
        guard close > open, line[open] == UInt8(ascii: "{"), line[close] == UInt8(ascii: "}") else { return false }
        var previous = close - 1
        while previous > open, ObjectScanner.isWhitespace(line[previous]) { previous -= 1 }
        insertion = previous + 1
        isEmptyObject = previous == open
        // Without a root nothing has validated the line: scan it now, so
        // that a malformed one is refused here rather than half edited.
        return root != nil || index()
    }

    /// True when the record has a member `name`, or an edit has given it one.
    public func has(_ name: MemberName) -> Bool {
        if added.count > 0 || editCount > 0, added.find(name) != nil || pendingEdit(name) != nil { return true }
        guard mayHave(name) else { return false }
        if let root { return name.bytes.withUnsafeBytes { root.member($0) } != nil }
        return original(name) != nil
    }

    /// The line with every edit applied (valid until the next `begin`).
    public func finish() -> UnsafeRawBufferPointer {
        output.removeAll()
        output.reserve(text.count + added.buffer.count + 64)
        var cursor = 0
        if editCount > 0 {
            sortEdits()
            for position in order {
                cursor = edits[position].write(from: text, after: cursor, to: output)
            }
        }
        copy(cursor..<insertion)
        added.write(to: output, leadingComma: !isEmptyObject)
        copy(insertion..<text.count)
        return output.bytes
    }

    /// `order`: the edits of the line's own members by their place in the line.
    private func sortEdits() {
        order.removeAll(keepingCapacity: true)
        for position in 0..<editCount {
            var slot = order.count
            order.append(position)
            while slot > 0, edits[order[slot - 1]].original.lowerBound > edits[position].original.lowerBound {
                order.swapAt(slot - 1, slot)
                slot -= 1
            }
        }
    }

    @inline(__always)
    private func copy(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        output.append(UnsafeRawBufferPointer(rebasing: text[range]))
    }
}
