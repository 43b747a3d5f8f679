import Foundation
import Glibc
import Logging
import Synchronization
import WearAlert
import WearAlertX
import WearCore
import WearTesting
import WearTestingHTTP

/// A delivery clock in virtual time. Automatic (the default): a wait with
/// a deadline moves the time to it at once. Manual: such a wait blocks
/// until the test `advance`s the time past it (or the wake-up is
/// signalled), checking every 5 ms. Waits are recorded; a wait without a
/// deadline blocks for real until woken. Every wait is bounded by 2 s of
/// real time, and a 15-minute back-off takes none.
final class VirtualClock: DeliveryClock {
    private struct State {
        var now: WallTime
        var waits: [WallTime] = []
        var waiting: WallTime?
    }

    private let state: Mutex<State>
    let automatic: Bool

    /// 2025-11-21 02:40:00 UTC.
    static let start = WallTime(epochSeconds: 1_763_700_000)

    init(at start: WallTime = VirtualClock.start, automatic: Bool = true) {
        state = Mutex(State(now: start))
        self.automatic = automatic
    }

    func now() -> WallTime { state.withLock { $0.now } }

    func wait(until deadline: WallTime?, wakeup: EventFD) {
        if let deadline, automatic {
            state.withLock { state in
                state.waits.append(deadline)
                state.now = max(state.now, deadline)
            }
            return
        }
        if let deadline { state.withLock { $0.waits.append(deadline); $0.waiting = deadline } }
        defer { state.withLock { $0.waiting = nil } }
        var descriptor = pollfd(fd: wakeup.descriptor, events: Int16(POLLIN), revents: 0)
        for _ in 0..<400 {
            if let deadline, now() >= deadline { return }
            if poll(&descriptor, 1, 5) > 0 {
                wakeup.drain()
                return
            }
        }
    }

    /// The deadlines waited for, in order.
    var waits: [WallTime] { state.withLock { $0.waits } }

    /// The deadline a manual wait is blocked on now.
    var waiting: WallTime? { state.withLock { $0.waiting } }

    func advance(by duration: Duration) { state.withLock { $0.now = $0.now + duration } }

    /// Waits (real time, at most 5 s) until a manual wait is blocked on `deadline`.
    func waitUntilWaiting(for deadline: WallTime) -> Bool {
        Polling.until(upTo: 5) { self.waiting == deadline }
    }
}

/// What a delivery reported, collected across threads.
final class Reports: Sendable {
    private let results = Mutex<[DeliveryResult]>([])

    var all: [DeliveryResult] { results.withLock { $0 } }
    var delivered: [DeliveryResult] { all.filter(\.isDelivered) }

    func append(_ result: DeliveryResult) { results.withLock { $0.append(result) } }

    /// Waits (polling, at most `limit` seconds) until `count` results are delivered.
    func waitForDelivered(_ count: Int, upTo limit: TimeInterval = 10) -> Bool {
        Polling.until(upTo: limit) { self.delivered.count >= count }
    }

    func waitForResults(_ count: Int, upTo limit: TimeInterval = 10) -> Bool {
        Polling.until(upTo: limit) { self.all.count >= count }
    }
}

/// An outbox directory, a fake X API, a virtual clock and an in-memory log.
final class DeliveryFixture {
    static let oauth = OAuth1Credentials(consumerKey: "fixture-consumer-key", consumerSecret: "fixture-consumer-secret",
                                         token: "1234-fixture-token", tokenSecret: "fixture-token-secret")

    let server: FakeXServer
    let outboxFixture: OutboxFixture
    let clock: VirtualClock
    let reports = Reports()
    let logger: Logger
    let logs: InMemoryLogHandler.Store
    /// No jitter draw is random in tests: the full ceiling each time.
    let policy = RetryPolicy(backoffBase: .seconds(1), backoffCap: .seconds(15 * 60), failedRetry: .seconds(3600))

    init(manualClock: Bool = false) throws {
        clock = VirtualClock(automatic: !manualClock)
        outboxFixture = try OutboxFixture()
        server = try FakeXServer()
        (logger, logs) = (outboxFixture.logger, outboxFixture.logs)
    }

    deinit { server.shutdown() }

    var directory: String { outboxFixture.directory }

    func openOutbox() throws -> Outbox { try outboxFixture.openOutbox() }

    func client(_ credentials: XCredentials = .oauth1(DeliveryFixture.oauth)) throws -> XClient {
        try XClient(apiBase: server.baseURL, credentials: credentials)
    }

    /// Starts a delivery of `outbox` through `client`; results go to `reports`.
    func start(_ outbox: Outbox, _ client: any XPosting, requestTimeout: Duration = .seconds(5)) throws -> Delivery {
        let reports = self.reports
        return try Delivery.start(outbox: outbox, poster: client, policy: policy, clock: clock, random: { 1.0 },
                                  requestTimeout: requestTimeout, logger: logger) { reports.append($0) }
    }

    func entryFiles() throws -> [String] { try outboxFixture.entryFiles() }

    var messages: [String] { outboxFixture.messages }
}
