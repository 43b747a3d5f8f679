import WearCore

/// One post for a sink: its text and a reference that names it for good
/// (the outbox's file name and idempotency key, the receipts' link).
public struct Post: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case incident(IncidentStatus)
        case digest
    }

    /// `<incident id>/opened`, `<incident id>/escalated-high`, or a digest's id.
    public let reference: String
    public let kind: Kind
    /// At most 280 as X counts, ending with #ShitOpsCyberWatch (`PostTemplate`).
    public let text: String

    public init(reference: String, kind: Kind, text: String) {
        self.reference = reference
        self.kind = kind
        self.text = text
    }
}

/// What became of a post, as its receipts say it.
public enum PostOutcome: Sendable, Equatable {
    /// Settled: `dryRun` (stdout sink), `posted` (with X's id) or `failed`.
    case settled(AlertReceipt.Status, postID: String?)
    /// Accepted (for an X sink: written to its outbox); settled later,
    /// through `PostSink.settled()`.
    case pending
}

/// Where posts go: the seam between the incident half of wear-alert and
/// its delivery (`--sink stdout` here; `--sink x` with its outbox, HTTP
/// client, OAuth and retries plugs in behind the same protocol, without a
/// change to the tracker or the planner).
///
/// The stage calls `submit` on the runner thread for every post the
/// budget allows, in order, and writes the post's receipts at once when the
/// outcome is settled, or when `settled()` later reports it. A sink that
/// settles on another thread exposes `descriptor` (readable when
/// `settled()` has news: an eventfd); the stage watches it.
public protocol PostSink {
    /// When the stage starts, after every check of the configuration
    /// (open an outbox, start a delivery thread); a failure stops the start.
    mutating func start() throws(StageFailure)
    /// Takes a post; a durable sink has it safe (fsynced) before returning,
    /// and throws (74, one line naming the file) when it cannot: the stage
    /// then stops (`StageContext.fail`) rather than lose the post.
    mutating func submit(_ post: Post) throws(StageFailure) -> PostOutcome
    /// Outcomes of posts that were `.pending`, in the order they settled.
    mutating func settled() -> [(reference: String, outcome: PostOutcome)]
    /// Receipts the sink makes itself, for posts the stage holds none for:
    /// what an earlier run left in the outbox and this run delivered, and a
    /// post that settles a second time (`failed`, then `posted` on a retry).
    /// Read together with `settled()`.
    mutating func lateReceipts() -> [AlertReceipt]
    /// A descriptor to watch for `settled()` news; nil for a synchronous sink.
    var descriptor: Int32? { get }
    /// Posts waiting in the sink's outbox now (`wear_alert_outbox_pending`); nil without one.
    var outboxPending: Int? { get }
    /// End of input: settle what can be settled (bounded by the sink's own drain timeout).
    mutating func finish()
    /// Bounded-label metrics of the sink's own (posts by status, outbox pending).
    func metrics() -> [(status: String, count: Int)]
}

extension PostSink {
    public mutating func settled() -> [(reference: String, outcome: PostOutcome)] { [] }
    public mutating func start() throws(StageFailure) {}
    public mutating func lateReceipts() -> [AlertReceipt] { [] }
    public var descriptor: Int32? { nil }
    public var outboxPending: Int? { nil }
    public mutating func finish() {}
    public func metrics() -> [(status: String, count: Int)] { [] }
}

/// `--sink stdout`, the default: the dry run. Every post settles at once
/// as `dry_run`; nothing leaves the machine.
public struct DryRunSink: PostSink {
    public private(set) var posts = 0

    public init() {}

    public mutating func submit(_ post: Post) -> PostOutcome {
        posts += 1
        return .settled(.dryRun, postID: nil)
    }

    public func metrics() -> [(status: String, count: Int)] { [(AlertReceipt.Status.dryRun.rawValue, posts)] }
}
