/// Finds a record's routing key, a top-level string member such as `dev`,
/// by scanning the raw line, so the runner thread routes records without
/// parsing them (the workers parse and validate; parsing on the runner as
/// well would cap the whole stage at one core's parse rate).
///
/// Exact for every line the record layer accepts: it answers `.value` only
/// when the member's name and string value contain no escape (so the raw
/// bytes are the decoded bytes a stage reads with `member(named:)`), and
/// `.undecided` for anything unusual — an escaped name that might spell the
/// key, an escaped value, a line that is not an object or is cut short —
/// which the router then settles with a real parse. Without this rule a
/// sender could split one device's state over two shards by spelling its id
/// `"wr-\u0030001"` on some records.
public struct ShardKeyScanner: Sendable {
    /// What the scan found.
    public enum Lookup: Equatable, Sendable {
        /// The member's string value: byte offsets into the line, no escapes.
        case value(Range<Int>)
        /// The object has no such member, or its value is not a string.
        case absent
        /// Decide with a parser.
        case undecided
    }

    /// The member's name, UTF-8.
    public let name: [UInt8]

    public init(member name: String) {
        self.name = Array(name.utf8)
    }

    /// Scans `line` (without its newline).
    public func lookup(_ line: UnsafeRawBufferPointer) -> Lookup {
        var cursor = Cursor(bytes: line)
        cursor.skipSpace()
        guard cursor.take(UInt8(ascii: "{")) else { return .undecided }
        cursor.skipSpace()
        if cursor.take(UInt8(ascii: "}")) { return .absent }
        while true {
            guard let key = cursor.string() else { return .undecided }
            cursor.skipSpace()
            guard cursor.take(UInt8(ascii: ":")) else { return .undecided }
            cursor.skipSpace()
            if key.escaped {
                return .undecided
            }
            if key.range.count == name.count, cursor.matches(name, at: key.range) {
                guard cursor.peek == UInt8(ascii: "\"") else { return .absent }
                guard let value = cursor.string(), !value.escaped else { return .undecided }
                return .value(value.range)
            }
            guard cursor.skipValue() else { return .undecided }
            cursor.skipSpace()
            if cursor.take(UInt8(ascii: "}")) { return .absent }
            guard cursor.take(UInt8(ascii: ",")) else { return .undecided }
            cursor.skipSpace()
        }
    }
}
