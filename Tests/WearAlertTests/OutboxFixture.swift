import Foundation
import Glibc
import Logging
import WearAlert
import WearCore
import WearTesting

/// A temporary directory for an outbox (`DIR/outbox`, not created: `open`
/// does that) and an in-memory log.
final class OutboxFixture {
    let temporary: TemporaryDirectory
    let logger: Logger
    let logs: InMemoryLogHandler.Store

    init() throws {
        temporary = try TemporaryDirectory()
        (logger, logs) = InMemoryLogHandler.logger(label: "wear-alert")
    }

    var directory: String { temporary.url.appendingPathComponent("outbox").path }

    /// Opens the outbox. After this process closed it, a child that another
    /// test spawns at that moment holds a copy of the lock's descriptor until
    /// its exec closes it (close-on-exec acts at exec, not at fork): so a
    /// refusal naming this process's own pid is retried for up to 5 s,
    /// unless `retryingOurOwnLock` is false (the test of that refusal).
    func openOutbox(retryingOurOwnLock: Bool = true) throws -> Outbox {
        let deadline = Date().addingTimeInterval(5)
        let ours = "in use by another wear-alert (pid \(getpid()))"
        while true {
            let failure: StageFailure
            do {
                return try Outbox.open(directory, logger: logger)
            } catch {
                failure = error
            }
            guard retryingOurOwnLock, Date() < deadline, failure.message.contains(ours) else { throw failure }
            usleep(10_000)
        }
    }

    /// The names of the entry files in the outbox directory, in order.
    func entryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
    }

    var messages: [String] { logs.messages.map(\.message) }
}
