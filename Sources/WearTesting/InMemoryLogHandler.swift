import Logging
import Synchronization

/// A swift-log handler that keeps messages in memory, for tests.
public struct InMemoryLogHandler: LogHandler {
    public final class Store: Sendable {
        private let entries = Mutex<[(level: Logger.Level, message: String)]>([])

        public init() {}

        public var messages: [(level: Logger.Level, message: String)] { entries.withLock { $0 } }

        func append(_ level: Logger.Level, _ message: String) {
            entries.withLock { $0.append((level, message)) }
        }
    }

    public let store: Store
    public var logLevel: Logger.Level = .trace
    public var metadata: Logger.Metadata = [:]

    public init(store: Store) { self.store = store }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        store.append(event.level, "\(event.message)")
    }

    /// A logger writing to a new store.
    public static func logger(label: String = "test") -> (Logger, Store) {
        let store = Store()
        let logger = Logger(label: label) { _ in InMemoryLogHandler(store: store) }
        return (logger, store)
    }
}
