import Glibc
import Logging
import Synchronization
import WearCore

/// wear-alert's durable queue of posts (`--outbox DIR`): one file per post,
/// written and fsynced (`DurableFile`, mode 0600) before the post is first
/// attempted and removed only once X has it, so a crash, a kill -9 or an X
/// outage loses nothing.
///
/// `open` creates the directory (0700) when missing, takes an exclusive
/// lock on `DIR/.lock` (a second process on the same outbox is refused,
/// status 74), and loads what is pending in file-name order, which is
/// creation order; later posts get higher sequence numbers (past every
/// entry name seen), so what was pending at start goes first. A file that looks like an entry but does
/// not parse is moved to `DIR/corrupt/` with an error logged, never deleted
/// and never fatal.
///
/// Thread-safe: the stage adds on its runner thread, `Delivery` updates
/// and removes on its own; each call does its file I/O under one lock
/// (a post is a few fsyncs; X allows 17 posts a day on the Free tier).
public final class Outbox: Sendable {
    /// The directory, as given.
    public let directory: String
    /// Signalled on every `add` (and by `Delivery` to stop its waits).
    let changes: EventFD
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var entries: [OutboxEntry]
        var nextSequence: UInt64
        var lock: OutboxLock?
    }

    /// The sub-directory that receives files that are not valid entries.
    public static let corruptDirectory = "corrupt"
    /// The largest entry file read (a post is at most 280 weighted characters).
    static let maxEntryBytes = 64 * 1024

    /// Opens (creating if needed), locks and loads the outbox at `directory`.
    public static func open(_ directory: String, logger: Logger) throws(StageFailure) -> Outbox {
        let mode = try OutboxDirectory.create(directory)
        if mode & 0o077 != 0 {
            // Entries are 0600, but their names carry incident ids.
            logger.warning("outbox \(directory) is accessible to others (mode 0\(String(mode, radix: 8))): its file names carry incident ids; chmod 700 it")
        }
        let lock = try OutboxLock.acquire(directory: directory)
        var loaded: [OutboxEntry] = []
        let names = try OutboxDirectory.names(in: directory)
        for name in names {
            if let entry = load(name, in: directory, logger: logger) { loaded.append(entry) }
        }
        // Past every entry-like name seen, also those moved aside or left in
        // place: a new name never meets an old file.
        let highest = names.compactMap(OutboxEntry.sequence(ofName:)).max() ?? 0
        return try Outbox(directory: directory, entries: loaded, next: highest + 1, lock: lock, logger: logger)
    }

    private init(directory: String, entries: [OutboxEntry], next: UInt64, lock: OutboxLock, logger: Logger) throws(StageFailure) {
        self.directory = directory
        self.logger = logger
        changes = try EventFD()
        state = Mutex(State(entries: entries, nextSequence: next, lock: lock))
    }

    /// The entries not delivered yet, in order (oldest first).
    public var entries: [OutboxEntry] { state.withLock { $0.entries } }

    /// How many posts are pending.
    public var count: Int { state.withLock { $0.entries.count } }

    /// The path of an entry's file.
    public func path(of entry: OutboxEntry) -> String { directory + "/" + entry.fileName }

    /// Writes a new post's file (fsynced, with its directory) and queues it.
    /// When this returns the post survives a crash; when it throws (74,
    /// naming the file: a full disk, a removed directory) nothing is queued.
    @discardableResult
    public func add(incident: String, kind: OutboxEntry.Kind, text: String, now: WallTime) throws(StageFailure) -> OutboxEntry {
        let entry = try state.withLock { (state) throws(StageFailure) -> OutboxEntry in
            let entry = OutboxEntry(sequence: state.nextSequence, incident: incident, kind: kind, text: text, created: now)
            try DurableFile(path: path(of: entry), mode: DurableFile.privateMode, overwrite: false).write(entry.encoded())
            state.nextSequence += 1
            state.entries.append(entry)
            return entry
        }
        changes.signal()
        return entry
    }

    /// Records an attempt's result: in memory at once (so a failed write
    /// cannot make `Delivery` retry early), then in the entry's file.
    /// Throws (74) when the file cannot be written; it then keeps the
    /// previous attempt's values, which at worst retry sooner after a restart.
    public func update(_ entry: OutboxEntry) throws(StageFailure) {
        try state.withLock { (state) throws(StageFailure) in
            guard let index = state.entries.firstIndex(where: { $0.sequence == entry.sequence }) else { return }
            state.entries[index] = entry
            try DurableFile(path: path(of: entry), mode: DurableFile.privateMode).write(entry.encoded())
        }
    }

    /// Removes a delivered entry: from the queue at once, then its file and
    /// (fsynced) its name. Throws (74) when the file stays: the next start
    /// sends it again, and X's "duplicate content" answer counts as delivered.
    public func remove(_ entry: OutboxEntry) throws(StageFailure) {
        try state.withLock { (state) throws(StageFailure) in
            state.entries.removeAll { $0.sequence == entry.sequence }
            let path = path(of: entry)
            if unlink(path) != 0, errno != ENOENT {
                throw StageFailure(status: .ioError, message: "cannot remove delivered outbox entry \(path): \(String(cString: strerror(errno)))")
            }
            OutboxDirectory.sync(directory)
        }
    }

    /// Releases the lock (another process may then open the outbox).
    /// Idempotent; also done when the outbox is released.
    public func close() {
        state.withLock { $0.lock = nil }
    }

    /// One directory entry: an outbox entry, or nil (skipped, cleaned up, or
    /// moved to `corrupt/`, each logged).
    private static func load(_ name: String, in directory: String, logger: Logger) -> OutboxEntry? {
        let path = directory + "/" + name
        if name == OutboxLock.fileName || name == corruptDirectory { return nil }
        if name.hasPrefix("."), name.contains(".tmp.") {
            // A write that crashed before its rename: never published, so never queued.
            unlink(path)
            logger.notice("removed \(path): an unfinished outbox write from an earlier run")
            return nil
        }
        guard let sequence = OutboxEntry.sequence(ofName: name) else {
            logger.warning("ignoring \(path): not an outbox entry (expected NNNNNNNNNNNNNNNNNNNN-INCIDENT.json)")
            return nil
        }
        do {
            let bytes = try ConfigFile.read(path, maxBytes: maxEntryBytes, what: "outbox entry")
            let entry = try OutboxEntry(decoding: bytes, source: path)
            guard entry.sequence == sequence else {
                throw OutboxEntryError("\(path): \"seq\" is \(entry.sequence) but the file name says \(sequence)")
            }
            return entry
        } catch {
            OutboxDirectory.moveAside(name, in: directory, reason: "\(error)", logger: logger)
            return nil
        }
    }
}
