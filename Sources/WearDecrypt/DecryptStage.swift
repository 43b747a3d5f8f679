import WearCore

/// The wear-decrypt stage. Authenticate and decrypt JWE telemetry envelopes.
///
/// Until its own issue lands it passes every valid record through unchanged
/// (the shared runtime still validates, rejects and accounts), so that a
/// four-stage pipe already works end to end.
public struct DecryptStage: Stage {
    public static var name: String { "wear-decrypt" }

    public init() {}

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        .pass
    }
}
