/// Where in the pipeline an attack was caught.
public enum CatchStage: Int, CaseIterable, Sendable {
    /// wear-decrypt rejected the envelope.
    case decrypt
    /// wear-filter dropped the record (a `drop` rule or a shared reject).
    case filterDrop
    /// wear-filter tagged it (non-empty `flags` in the scored stream).
    case filterTag
    /// wear-score gave it `score >= --threshold`.
    case score
    /// wear-alert posted an incident naming its device.
    case alert

    /// The key in `--json` output.
    public var key: String {
        switch self {
        case .decrypt: "decrypt"
        case .filterDrop: "filter_drop"
        case .filterTag: "filter_tag"
        case .score: "score"
        case .alert: "alert"
        }
    }

    /// The table's column heading.
    public var heading: String {
        switch self {
        case .decrypt: "decrypt"
        case .filterDrop: "f.drop"
        case .filterTag: "f.tag"
        case .score: "score"
        case .alert: "alert"
        }
    }
}
