import WearCore

/// The wear-alert stage. Turn anomalous records into anonymised alert posts.
///
/// Until its own issue lands it passes every valid record through unchanged
/// (the shared runtime still validates, rejects and accounts), so that a
/// four-stage pipe already works end to end.
public struct AlertStage: Stage {
    public static var name: String { "wear-alert" }

    public init() {}

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        .pass
    }
}
