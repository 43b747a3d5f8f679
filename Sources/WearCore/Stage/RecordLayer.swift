/// The checks every stage's input passes before the stage sees it: the
/// whole line valid JSON (simdjson), an object, no member name twice at any
/// depth. The runner applies them to every line; code that handles a line
/// outside the runner (fuzz targets, in-process tests) calls the same.
public enum RecordLayer {
    /// Why a line is rejected before reaching the stage.
    public struct Fault: Error, Equatable, Sendable {
        public let reason: RejectReason
        public let detail: String
    }

    /// The record for `line` (which must have `JSONParser.padding` readable
    /// bytes after it), or why it is rejected. With `acceptsNonJSON`, a line
    /// that is not a JSON object becomes a record with `json == nil` instead.
    public static func record(from line: Line, parser: JSONParser, acceptsNonJSON: Bool) -> Result<Record, Fault> {
        switch parser.parse(padded: line.bytes) {
        case .success(let root) where !root.isObject:
            guard acceptsNonJSON else {
                return .failure(Fault(reason: .notObject, detail: "expected a JSON object, found \(root.kind.article)"))
            }
            return .success(Record(line: line, json: nil, jsonError: nil))
        case .success(let root):
            guard !parser.hasDuplicateKeys(root, parsedFrom: line.bytes) else {
                return .failure(Fault(reason: .duplicateKey, detail: "an object member name appears twice"))
            }
            return .success(Record(line: line, json: root, jsonError: nil))
        case .failure(let error):
            guard acceptsNonJSON else {
                return .failure(Fault(reason: error.kind == .utf8 ? .badUTF8 : .badJSON, detail: error.description))
            }
            return .success(Record(line: line, json: nil, jsonError: error))
        }
    }
}
