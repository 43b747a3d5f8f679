/// One record handed to a stage: the line as read, and its parsed root.
public struct Record {
    /// The original bytes (no newline); valid only during `process`.
    public let line: Line
    /// The root object, validated completely. Nil only for stages with
    /// `acceptsNonJSONLines` when the line is not a JSON object.
    public let json: JSONValue?
    /// Why `json` is nil, for stages that accept non-JSON lines.
    public let jsonError: JSONSyntaxError?

    public var number: Int { line.number }
    public var bytes: UnsafeRawBufferPointer { line.bytes }
}

/// What a stage decided about one record; the runner does the accounting.
public enum Verdict {
    /// Emit the record unchanged (byte for byte).
    case pass
    /// The stage wrote its own output for this record through `StageOutput`
    /// (a changed record, receipts, or nothing): it counts as out.
    case emitted
    /// The record is rejected: counted, written to `--rejects`, not emitted.
    case reject(RejectReason, detail: String)
}

/// A pipeline stage: a pure transformation of records, run by `StageRunner`,
/// which owns framing, parsing, buffering, rejects, signals and exit status.
///
/// A stage never reads stdin, writes stdout, sleeps or exits.
public protocol Stage {
    /// The binary's name, used in rejects, logs and metric labels (`wear-filter`).
    static var name: String { get }
    /// True for stages whose input may be something other than a JSON object
    /// (wear-decrypt takes bare JWE tokens); the runner then hands such lines
    /// over with `json == nil` instead of rejecting them as `bad_json`.
    static var acceptsNonJSONLines: Bool { get }

    /// Decides about one record, writing to `output` when the verdict is `.emitted`.
    mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict
    /// End of input: emit whatever is still pending.
    mutating func finish(into output: inout StageOutput)
    /// SIGHUP: reload config files; on error keep the old config and throw.
    mutating func reload() throws
    /// Exit or closed output: persist state (atomic writes).
    mutating func persist() throws
    /// The stage's own metrics, besides the runner's record counts.
    func metrics() -> [MetricFamily]
}

extension Stage {
    public static var acceptsNonJSONLines: Bool { false }
    public mutating func finish(into output: inout StageOutput) {}
    public mutating func reload() throws {}
    public mutating func persist() throws {}
    public func metrics() -> [MetricFamily] { [] }
}

/// Passes every valid record through unchanged: the runtime's own check, and
/// each stage's behaviour until its issue lands.
public struct IdentityStage: Stage {
    public static var name: String { "wear-identity" }
    public init() {}
    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict { .pass }
}
