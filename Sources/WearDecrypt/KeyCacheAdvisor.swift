import WearCore

/// Watches wear-decrypt's two caches and says, once per cache and run, when
/// one thrashes and which option fixes it. Pure: it takes counter snapshots
/// and returns the notice text; the stage logs it.
///
/// A cache thrashes when, in two windows of `window` tokens in a row, it
/// evicted entries and missed on at least `threshold` of the tokens: the
/// fleet is larger than its bound, so devices keep pushing each other out.
/// (Misses without evictions are new devices arriving: no notice.)
struct KeyCacheAdvisor {
    /// Tokens between reviews (a power of two).
    static let window = 1 << 16
    static let threshold = 0.10

    private var previous: (contexts: BoundedMapCounters, keys: BoundedMapCounters)?
    private var highStreak = (contexts: 0, keys: 0)
    private(set) var advised = (contexts: false, keys: false)

    /// Reviews the caches after another window of tokens; returns notices to log.
    mutating func review(contexts: BoundedMapCounters, keys: BoundedMapCounters) -> [String] {
        defer { previous = (contexts, keys) }
        guard let previous else { return [] }
        let tokens = (contexts.hits + contexts.misses) - (previous.contexts.hits + previous.contexts.misses)
        guard tokens > 0 else { return [] }
        var notices: [String] = []
        if let share = thrashing(contexts, since: previous.contexts, tokens: tokens, streak: &highStreak.contexts),
           !advised.contexts {
            advised.contexts = true
            notices.append("\(percent(share)) of the last \(tokens) tokens missed the AES-GCM context cache, which is full "
                           + "(\(contexts.capacity) devices) and evicting: the fleet is larger; raise --context-cache-size "
                           + "above the number of devices sending here (each context costs ~1.4 KiB)")
        }
        if let share = thrashing(keys, since: previous.keys, tokens: tokens, streak: &highStreak.keys), !advised.keys {
            advised.keys = true
            notices.append("\(percent(share)) of the last \(tokens) tokens needed an HKDF derivation because the derived-key "
                           + "cache is full (\(keys.capacity) devices) and evicting; raise --key-cache-size above the number "
                           + "of devices (each key costs ~110 bytes)")
        }
        return notices
    }

    /// The share of `tokens` that missed, when the cache also evicted and this is the second such window running.
    private func thrashing(_ now: BoundedMapCounters, since then: BoundedMapCounters, tokens: Int, streak: inout Int) -> Double? {
        let share = Double(now.misses - then.misses) / Double(tokens)
        guard now.evictions > then.evictions, share >= Self.threshold else {
            streak = 0
            return nil
        }
        streak += 1
        return streak >= 2 ? share : nil
    }

    private func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}
