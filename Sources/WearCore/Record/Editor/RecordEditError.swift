/// Why `RecordEditor` could not make an edit; the record is then left as it
/// was (nothing is emitted), and the stage decides (usually a reject).
public enum RecordEditError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line is not a JSON object (`StageOutput.emit(editing:)` on a line
    /// that a stage with `acceptsNonJSONLines` took as a bare value).
    case notAnObject
    /// `append(to:)` on a member whose value is not an array: `"flags":"x"`.
    case notAnArray(MemberName, found: JSONValue.Kind)

    public var description: String {
        switch self {
        case .notAnObject:
            "the record is not a JSON object"
        case .notAnArray(let name, let kind):
            "member \(String(decoding: name.quoted, as: UTF8.self)) is \(kind.article), expected an array"
        }
    }
}
