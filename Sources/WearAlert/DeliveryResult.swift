/// What one attempt to deliver an outbox entry came to, as `Delivery`
/// reports it (on its own thread) so that the stage can write receipts
/// and count metrics.
public struct DeliveryResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// X took it (2xx); its post id when X gave one.
        case posted(postID: String?)
        /// X already had this text (403 duplicate content): delivered, no id.
        case duplicate
        /// Kept pending (429, 5xx, network): tried again at `next`.
        case retrying(next: WallTime, error: String)
        /// Kept, marked failed (401, 403, 4xx): tried again at `next`.
        case failed(next: WallTime, error: String)
    }

    /// The entry after the attempt (attempts, next attempt, error).
    public var entry: OutboxEntry
    public var outcome: Outcome

    public init(entry: OutboxEntry, outcome: Outcome) {
        self.entry = entry
        self.outcome = outcome
    }

    /// True when the entry is delivered and gone from the outbox.
    public var isDelivered: Bool {
        switch outcome {
        case .posted, .duplicate: true
        case .retrying, .failed: false
        }
    }

    /// The receipt for a result worth one: `posted` (post_id "" for a
    /// duplicate: X gives no id then) or `failed`; nil while retrying.
    public func receipt() -> AlertReceipt? {
        switch outcome {
        case .posted(let id): AlertReceipt(incident: entry.incident, status: .posted, postID: id, text: entry.text)
        case .duplicate: AlertReceipt(incident: entry.incident, status: .posted, postID: nil, text: entry.text)
        case .failed: AlertReceipt(incident: entry.incident, status: .failed, text: entry.text)
        case .retrying: nil
        }
    }
}
