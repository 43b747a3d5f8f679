/// Sends one post and says what came of it; `Delivery` calls it on its own
/// thread, one post at a time. `cancel()` (any thread) ends the post in
/// flight, which then comes to `.transient`. WearAlertX's `XClient` is the
/// real one; a test may pass its own.
public protocol XPosting: Sendable {
    func post(_ text: String, timeout: Duration) -> XPostOutcome
    func cancel()
}
