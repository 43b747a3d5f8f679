import WearCore

/// The wear-score stage. Score each device's telemetry stream for anomalies.
///
/// Until its own issue lands it passes every valid record through unchanged
/// (the shared runtime still validates, rejects and accounts), so that a
/// four-stage pipe already works end to end.
public struct ScoreStage: Stage {
    public static var name: String { "wear-score" }

    public init() {}

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        .pass
    }
}
