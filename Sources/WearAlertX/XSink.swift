import Logging
import Synchronization
import WearAlert
import WearCore

/// `--sink x`: posts go to X through the durable outbox (docs/wear-alert.md,
/// "Delivery to X"). `submit` writes the post into the outbox (fsynced)
/// and answers `.pending`; `Delivery`'s thread posts the outbox in order
/// (what an earlier run left goes first) and each result it reports comes
/// back through `settled()`: `posted` with X's id (`""` for X's duplicate-
/// content answer, which counts as delivered) or `failed` (401, 403: kept
/// in the outbox, tried again later). A result while retrying (429, 5xx,
/// network) settles nothing yet.
///
/// `finish` (end of input, SIGTERM) drains for up to the drain timeout,
/// stops the client and releases the outbox's lock; what could not go
/// stays pending in the outbox for the next start, and the log says how many.
public struct XSink: PostSink {
    /// What `--sink x` is given on the command line (credentials come from the environment).
    public struct Options: Sendable, Equatable {
        public var outbox: String
        public var apiBase: String
        public var drainTimeout: Duration
        public var requestTimeout: Duration

        public init(outbox: String, apiBase: String = XClient.defaultAPIBase,
                    drainTimeout: Duration = .seconds(30), requestTimeout: Duration = .seconds(30)) {
            self.outbox = outbox
            self.apiBase = apiBase
            self.drainTimeout = drainTimeout
            self.requestTimeout = requestTimeout
        }
    }

    private let options: Options
    private let client: XClient
    private let inbox: XSinkInbox
    private let logger: Logger
    /// Set by `start`.
    private var outbox: Outbox?
    private var delivery: Delivery?
    /// Posts of this run not settled yet: outbox sequence to post reference.
    private var awaiting: [UInt64: String] = [:]
    private var settledNow: [(reference: String, outcome: PostOutcome)] = []
    private var late: [AlertReceipt] = []
    /// Posts whose `failed` receipt was written.
    private var failedOnce: Set<UInt64> = []
    private var posted = 0
    private var failed = 0
    private var finished = false

    /// Makes the client (64 for a bad `--x-api-base`); nothing is opened or sent before `start`.
    public init(_ options: Options, credentials: XCredentials, logger: Logger) throws(StageFailure) {
        self.options = options
        self.logger = logger
        inbox = try XSinkInbox()
        client = try XClient(apiBase: options.apiBase, credentials: credentials)
    }

    /// Opens and locks the outbox (74 when in use or not writable) and
    /// starts delivering what is pending, earlier runs' posts first.
    public mutating func start() throws(StageFailure) {
        guard outbox == nil else { return }
        do throws(StageFailure) {
            let outbox = try Outbox.open(options.outbox, logger: logger)
            self.outbox = outbox
            if outbox.count > 0 {
                logger.notice("\(outbox.count) post\(outbox.count == 1 ? "" : "s") pending in \(options.outbox) from an earlier run go first")
            }
            let inbox = self.inbox
            delivery = try Delivery.start(outbox: outbox, poster: client, requestTimeout: options.requestTimeout,
                                          logger: logger) { inbox.put($0) }
        } catch {
            client.shutdown()
            throw error
        }
        logger.info("posting to \(client.endpoint) through the outbox \(options.outbox)")
    }

    public mutating func submit(_ post: Post) throws(StageFailure) -> PostOutcome {
        guard let outbox else {
            throw StageFailure(status: .software, message: "the X sink got post \(post.reference) before it started")
        }
        let kind: OutboxEntry.Kind = post.kind == .digest ? .digest : .post
        let entry: OutboxEntry
        do throws(StageFailure) {
            entry = try outbox.add(incident: post.reference, kind: kind, text: post.text, now: SystemDeliveryClock().now())
        } catch {
            throw StageFailure(status: .ioError, message: "cannot keep post \(post.reference) in the outbox, so it is not sent and wear-alert stops: \(error.message)")
        }
        awaiting[entry.sequence] = post.reference
        return .pending
    }

    public mutating func settled() -> [(reference: String, outcome: PostOutcome)] {
        collect()
        defer { settledNow = [] }
        return settledNow
    }

    public mutating func lateReceipts() -> [AlertReceipt] {
        collect()
        defer { late = [] }
        return late
    }

    public var descriptor: Int32? { inbox.ready.descriptor }

    public var outboxPending: Int? { outbox?.count }

    public mutating func finish() {
        guard !finished, let delivery, let outbox else { return }
        finished = true
        let pending = delivery.drain(timeout: options.drainTimeout)
        client.shutdown()
        outbox.close()
        if pending == 0 {
            logger.info("delivery drained: nothing pending in \(options.outbox)")
        }
        collect()
    }

    public func metrics() -> [(status: String, count: Int)] {
        [(AlertReceipt.Status.posted.rawValue, posted), (AlertReceipt.Status.failed.rawValue, failed)]
    }

    /// Moves what `Delivery` reported into the stage's two lists (runner thread).
    private mutating func collect() {
        inbox.ready.drain()
        for result in inbox.take() {
            guard let receipt = result.receipt() else { continue }
            let sequence = result.entry.sequence
            // A post X keeps refusing is counted and written once, not at every retry.
            guard receipt.status == .posted || failedOnce.insert(sequence).inserted else { continue }
            if receipt.status == .posted { posted += 1 } else { failed += 1 }
            if let reference = awaiting.removeValue(forKey: sequence) {
                settledNow.append((reference, .settled(receipt.status, postID: receipt.postID)))
            } else {
                late.append(Self.lateReceipt(receipt))
            }
        }
    }

    /// A receipt the stage holds nothing for: the outbox entry's reference
    /// (`<incident id>/opened`, a digest's id) names its incident.
    static func lateReceipt(_ receipt: AlertReceipt) -> AlertReceipt {
        var late = receipt
        if let slash = receipt.incident.firstIndex(of: "/") { late.incident = String(receipt.incident[..<slash]) }
        return late
    }
}

/// Results from the delivery thread to the runner thread: a locked list
/// and the eventfd the stage watches.
final class XSinkInbox: Sendable {
    let ready: EventFD
    private let results = Mutex<[DeliveryResult]>([])

    init() throws(StageFailure) { ready = try EventFD() }

    func put(_ result: DeliveryResult) {
        results.withLock { $0.append(result) }
        ready.signal()
    }

    func take() -> [DeliveryResult] {
        results.withLock { list in
            defer { list = [] }
            return list
        }
    }
}
