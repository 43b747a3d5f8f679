/// The name of a JSON object member, prepared once (a rule name read from a
/// config file, a stage's own `score`): its UTF-8 bytes, for comparing with
/// the names a record has, and its JSON text, escaped by the one string
/// escaper (`ByteBuffer.append(jsonString:)`), for writing it.
///
/// Prepare names when the config is loaded, not per record (a `static let`
/// for a literal): `RecordEditor` only reads them, and recognises the same
/// instance by identity before comparing bytes. Immutable, so Sendable.
public final class MemberName: Sendable, Hashable, CustomStringConvertible {
    /// The name as UTF-8 bytes, unescaped.
    public let bytes: [UInt8]
    /// The name as a JSON string literal, quotes included (`"fl\"ags"`).
    public let quoted: [UInt8]

    /// A member name from a String (any text: quotes, backslashes and
    /// control characters are escaped when written).
    public init(_ name: String) {
        self.bytes = Array(name.utf8)
        self.quoted = ByteBuffer.jsonString(name)
    }

    /// A member name from UTF-8 bytes; nil when they are not valid UTF-8
    /// (JSON text must be, and the next stage would reject the record).
    public convenience init?(utf8 bytes: some Collection<UInt8>) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        self.init(text)
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }

    public static func == (left: MemberName, right: MemberName) -> Bool {
        left === right || left.bytes == right.bytes
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

extension MemberName: ExpressibleByStringLiteral {
    /// A literal name; keep it in a `static let` on the hot path.
    public convenience init(stringLiteral value: String) {
        self.init(value)
    }
}
