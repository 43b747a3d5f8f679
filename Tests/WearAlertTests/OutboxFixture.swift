import Foundation
import Logging
import WearAlert
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

    func openOutbox() throws -> Outbox { try Outbox.open(directory, logger: logger) }

    /// The names of the entry files in the outbox directory, in order.
    func entryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
    }

    var messages: [String] { logs.messages.map(\.message) }
}
