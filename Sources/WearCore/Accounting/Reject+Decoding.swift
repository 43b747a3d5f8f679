/// Reading a `--rejects` file back: the inverse of `Reject.document()`,
/// for tools that evaluate a run (`wear eval`) and for tests. The field
/// names are `Reject.Field`'s, the same ones the writer uses.
extension Reject {
    /// The members of a reject record.
    public enum Field {
        public static let stage: StaticString = "stage"
        public static let reason: StaticString = "reason"
        public static let line: StaticString = "line"
        public static let detail: StaticString = "detail"
        public static let input: StaticString = "input"
    }

    /// One line of a `--rejects` file, parsed with `parser`.
    public static func decode<Bytes: Collection<UInt8>>(_ line: Bytes, parser: JSONParser) throws(RejectDecodingError) -> Reject {
        switch parser.parse(copying: line) {
        case .failure(let error): throw RejectDecodingError("not JSON: \(error)")
        case .success(let object): return try Reject(decoding: object)
        }
    }

    /// A reject record: an object with a string `stage`, a valid `reason`
    /// code, a positive integer `line`; `detail` and `input` default to "".
    public init(decoding object: JSONValue) throws(RejectDecodingError) {
        guard object.isObject else { throw RejectDecodingError("not a JSON object") }
        guard let stage = object[Field.stage]?.string, !stage.isEmpty else {
            throw RejectDecodingError("no string \"stage\"")
        }
        guard let code = object[Field.reason]?.string else { throw RejectDecodingError("no string \"reason\"") }
        let reason: RejectReason
        do {
            reason = try RejectReason(validating: code)
        } catch {
            throw RejectDecodingError("\"reason\": \(error)")
        }
        guard let line = object[Field.line]?.int64, line >= 1, line <= Int64(Int.max) else {
            throw RejectDecodingError("no positive integer \"line\"")
        }
        let detail = object[Field.detail]?.string ?? ""
        let input = object[Field.input]?.stringBytes.map { Array($0) } ?? []
        self.init(stage: stage, reason: reason, line: Int(line), detail: detail, input: input)
    }
}

/// Why a line is not a reject record.
public struct RejectDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Reject.Field {
    static func name(_ field: StaticString) -> String {
        field.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }
}
