import WearCore

/// The wear-filter stage. Pre-filter telemetry with rules: drop, tag or keep records.
///
/// Until its own issue lands it passes every valid record through unchanged
/// (the shared runtime still validates, rejects and accounts), so that a
/// four-stage pipe already works end to end.
public struct FilterStage: Stage {
    public static var name: String { "wear-filter" }

    public init() {}

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        .pass
    }
}
