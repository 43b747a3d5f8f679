import Testing
import WearCore
import WearJOSE
import WearTesting
@testable import WearDecrypt

@Suite struct KeyCacheAdvisorTests {
    typealias Counters = BoundedMapCounters

    private func counters(_ hits: Int, _ misses: Int, _ evictions: Int, capacity: Int = 100) -> Counters {
        Counters(hits: hits, misses: misses, evictions: evictions, count: min(capacity, misses), capacity: capacity)
    }

    @Test func advisesOnceWhenTheContextCacheThrashesTwoWindowsRunning() {
        var advisor = KeyCacheAdvisor()
        let keys = counters(0, 0, 0)
        #expect(advisor.review(contexts: counters(0, 0, 0), keys: keys).isEmpty)
        #expect(advisor.review(contexts: counters(500, 500, 400), keys: keys).isEmpty) // one window: not yet
        let notices = advisor.review(contexts: counters(1000, 1000, 900), keys: keys)
        #expect(notices == ["50% of the last 1000 tokens missed the AES-GCM context cache, which is full (100 devices) and "
                            + "evicting: the fleet is larger; raise --context-cache-size above the number of devices sending "
                            + "here (each context costs ~1.4 KiB)"])
        #expect(advisor.review(contexts: counters(1500, 1500, 1400), keys: keys).isEmpty) // once per run
    }

    @Test func saysNothingAboutMissesWithoutEvictionsOrBelowTheThreshold() {
        var advisor = KeyCacheAdvisor()
        let keys = counters(0, 0, 0)
        var notices: [String] = []
        notices += advisor.review(contexts: counters(0, 0, 0), keys: keys)
        // New devices arriving (no evictions), then a low miss rate with evictions.
        notices += advisor.review(contexts: counters(0, 1000, 0), keys: keys)
        notices += advisor.review(contexts: counters(0, 2000, 0), keys: keys)
        notices += advisor.review(contexts: counters(1950, 2050, 10), keys: keys)
        notices += advisor.review(contexts: counters(3900, 2100, 20), keys: keys)
        #expect(notices.isEmpty)
    }

    @Test func advisesRaisingTheKeyCacheWhenHKDFKeepsRunning() {
        var advisor = KeyCacheAdvisor()
        var notices: [String] = []
        for window in 0...2 {
            notices += advisor.review(contexts: counters(0, 1000 * window, 900 * window),
                                      keys: counters(0, 1000 * window, 800 * window, capacity: 50))
        }
        #expect(notices.count == 2)
        #expect(notices.last?.contains("raise --key-cache-size above the number of devices") == true)
    }

    /// The stage logs the notice as a fleet larger than its caches streams through.
    @Test func theStageLogsTheNoticeForAFleetLargerThanItsCaches() {
        let master = MasterKey.generate()
        var configuration = DecryptConfiguration()
        configuration.contextCacheSize = 4
        configuration.cacheReviewInterval = 64
        let (logger, store) = InMemoryLogHandler.logger()
        var stage = DecryptStage(configuration: configuration, keys: KeyRing(master: master), logger: logger)
        let tokens = (0..<8).map { JWE.seal(Array(#"{"dev":"wr-\#($0)"}"#.utf8), kid: "wr-\($0)", key: master.deviceKey(for: "wr-\($0)"), enc: .a256gcm) }
        for index in 0..<400 {
            guard case .emitted = stage.process(line: Array(tokens[index % 8].utf8)) else {
                Issue.record("token \(index) not opened")
                return
            }
        }
        let notices = store.messages.filter { $0.level == .notice }.map(\.message)
        #expect(notices.count == 1)
        #expect(notices.first?.hasPrefix("100% of the last 64 tokens missed the AES-GCM context cache") == true)
    }
}
