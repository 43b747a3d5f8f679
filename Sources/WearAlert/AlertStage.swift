import Logging
import WearCore

/// `--state FILE` and `--state-reset`.
public struct AlertStateOptions: Sendable, Equatable {
    public var path: String
    public var reset: Bool

    public init(path: String, reset: Bool = false) {
        self.path = path
        self.reset = reset
    }
}

/// The wear-alert stage: scored records in, alert receipts out
/// (docs/wear-alert.md). Each record is consumed: it completes at once,
/// with the receipts it caused (none for most), so in = out + rejects.
///
/// A record with `score >= threshold` goes to the `IncidentTracker`; an
/// opening or an escalation goes to the `PostPlanner` (budget, digest
/// queue), and what it allows to the `PostSink`. Digests are made when
/// due (`deadlinePassed`, on wall time) and at the end. Deferred only in
/// that sense: the stage holds no record, only incidents and posts.
public struct AlertStage<Sink: PostSink>: BatchStage {
    public static var name: String { "wear-alert" }

    private var configuration: AlertConfiguration
    private let tracker: IncidentTracker
    private var planner: PostPlanner
    private var sink: Sink
    private let wallClock: any WallClock
    private let state: AlertStateOptions?
    private let logger: Logger
    private let parser: JSONParser
    /// Receipts of posts the sink has not settled yet, by post reference.
    private var pending: [String: [AlertReceipt]] = [:]
    private var counts = AlertCounts()
    /// The sink could not take a post (its outbox write failed): the run stops.
    private var failure: StageFailure?

    /// Restores `state` (unless reset) before any record is read: a file
    /// that cannot be used is 78, a directory the state cannot be written to 74.
    public init(configuration: AlertConfiguration, sink: Sink, state: AlertStateOptions? = nil,
                wallClock: any WallClock = SystemWallClock(), maxLineBytes: Int = 1 << 20,
                logger: Logger) throws(StageFailure) {
        self.configuration = configuration
        self.sink = sink
        self.state = state
        self.wallClock = wallClock
        self.logger = logger
        parser = JSONParser(capacity: maxLineBytes + 1)
        tracker = IncidentTracker(quiet: configuration.quiet, maxIncidents: configuration.maxIncidents,
                                  key: configuration.pseudonymKey)
        planner = PostPlanner(budget: PostBudget(limit: configuration.budgetLimit, window: configuration.budgetWindow),
                              digestInterval: configuration.digestInterval)
        if let state, let saved = try Self.restore(state, logger: logger) {
            tracker.restore(saved.incidents, watermark: saved.watermark, nextSweep: saved.nextSweep)
            planner.budget = PostBudget(limit: configuration.budgetLimit, window: configuration.budgetWindow,
                                        spent: saved.budgetSpent)
            planner.queue = saved.queue
        }
    }

    private static func restore(_ options: AlertStateOptions, logger: Logger) throws(StageFailure) -> AlertState? {
        try DurableFile(path: options.path, mode: DurableFile.privateMode).checkWritable()
        if options.reset {
            logger.notice("--state-reset: starting without saved incidents; \(options.path) is replaced at exit")
            return nil
        }
        guard let file = try StateFile.read(options.path) else {
            logger.info("no state file at \(options.path) yet: starting fresh")
            return nil
        }
        do throws(StateFileError) {
            let saved = try AlertState(file)
            logger.info("restored \(saved.incidents.count) open incidents, \(saved.queue.count) queued for a digest and \(saved.budgetSpent.count) posts of the budget's window from \(options.path)")
            return saved
        } catch {
            throw error.failure(path: options.path)
        }
    }

    // MARK: - The runner's calls

    public mutating func start(context: inout StageContext) throws(StageFailure) {
        try sink.start()
        if let fd = sink.descriptor { context.watch(fd) }
        if configuration.files.pseudonymKey == nil {
            logger.notice("no --pseudonym-key: pseudonyms use a random key for this run (no one can tie them to devices later)")
        }
        schedule(&context, now: wallClock.milliseconds)
    }

    public mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        let now = wallClock.milliseconds
        for index in 0..<batch.count where failure == nil {
            let ticket = batch.ticket(at: index)
            switch batch.record(at: index, parser: parser) {
            case .failure(let fault):
                context.reject(ticket, fault.reason, detail: fault.detail)
            case .success(let record):
                guard let root = record.json else {
                    context.reject(ticket, .notObject, detail: "not a JSON object")
                    continue
                }
                switch AlertRecord.read(root, threshold: configuration.threshold) {
                case .failure(let fault):
                    context.reject(ticket, fault.reason, detail: fault.detail)
                case .success(let read):
                    let receipts = consume(read, now: now)
                    for receipt in receipts { counts.receipts[receipt.status, default: 0] += 1 }
                    context.completions.emit(ticket) { lines in
                        for receipt in receipts { lines.line(receipt.document().dumpedBytes()) }
                    }
                }
            }
        }
        emitDueDigest(&context, now: now)
        schedule(&context, now: now)
        stopIfFailed(&context)
    }

    public mutating func deadlinePassed(context: inout StageContext) {
        let now = wallClock.milliseconds
        emitDueDigest(&context, now: now)
        schedule(&context, now: now)
        stopIfFailed(&context)
    }

    public mutating func descriptorReady(_ fd: Int32, context: inout StageContext) {
        emitSettled(&context)
    }

    /// A post the sink could not take ends the run with its status (74):
    /// records not read yet stay unread, held ones are rejected at shutdown.
    private mutating func stopIfFailed(_ context: inout StageContext) {
        if let failure { context.fail(failure) }
    }

    public mutating func finish(context: inout StageContext) {
        let now = wallClock.milliseconds
        if let (digest, overBudget) = planner.finalDigest(at: now, end: tracker.watermark ?? 0, keepsQueue: state != nil) {
            if overBudget {
                logger.warning("end of input: \(digest.incidents.count) queued incidents go into a digest past the budget (\(configuration.budgetLimit) posts a window): without --state nothing would carry them to the next run")
            }
            emit(digest, &context)
        } else if !planner.queue.isEmpty {
            logger.notice("end of input: \(planner.queue.count) incidents stay queued for the next digest (saved in --state)")
        }
        if failure == nil { sink.finish() }
        emitSettled(&context)
        stopIfFailed(&context)
    }

    public mutating func persist() throws {
        guard let state else { return }
        let saved = AlertState(watermark: tracker.watermark, nextSweep: tracker.nextSweep,
                               budgetSpent: planner.budget.spent, queue: planner.queue, incidents: tracker.open)
        try DurableFile(path: state.path, mode: DurableFile.privateMode).write(saved.encoded())
        logger.debug("saved \(saved.incidents.count) open incidents and \(saved.queue.count) queued to \(state.path)")
    }

    /// SIGHUP: the templates and the pseudonym key, from their files again
    /// (an invalid one throws and the old configuration stays).
    public mutating func reload() throws {
        let fresh = try AlertConfiguration.loading(configuration.files)
        configuration.incidentTemplate = fresh.incidentTemplate
        configuration.digestTemplate = fresh.digestTemplate
        if configuration.files.pseudonymKey != nil {
            configuration.pseudonymKey = fresh.pseudonymKey
            tracker.key = fresh.pseudonymKey
        }
        logger.info("reloaded the templates and the pseudonym key (new incidents use them)")
    }

    public func metrics() -> [MetricFamily] {
        counts.metrics(tracker: tracker, planner: planner, budgetRemaining: planner.budget.remaining(at: wallClock.milliseconds),
                       sink: sink.metrics(), outboxPending: sink.outboxPending)
    }

    // MARK: - Incidents to receipts

    /// One record's effect: the receipts it causes now.
    private mutating func consume(_ record: AlertRecord, now: Int64) -> [AlertReceipt] {
        if let time = record.time { counts.closed += tracker.advance(to: time).count }
        guard let score = record.score, score >= configuration.threshold, let dev = record.dev else { return [] }
        counts.anomalies += 1
        let anomaly = Anomaly(dev: dev, time: record.time ?? tracker.watermark ?? 0,
                              category: configuration.categories.category(why: record.why, flags: record.flags),
                              severity: SeverityScale.severity(z: record.strongestZ), why: record.why)
        switch tracker.observe(anomaly) {
        case .opened(let incident):
            switch planner.admitOpening(incident, at: now) {
            case .post:
                return submit(incident, status: .opened)
            case .fold, .skip:
                tracker.markFolded(incident)
                counts.folded += 1
                return [receipt(incident, status: .queued, text: text(incident, status: .opened))]
            }
        case .escalated(let incident, _):
            guard planner.admitEscalation(incident, at: now) == .post else { return [] }
            return submit(incident, status: .escalated)
        case .extended:
            return []
        }
    }

    private func text(_ incident: Incident, status: IncidentStatus) -> String {
        incident.post(status: status).flatMap { configuration.incidentTemplate.render($0) } ?? PostTemplate.hashtag
    }

    private func receipt(_ incident: Incident, status: AlertReceipt.Status, text: String) -> AlertReceipt {
        AlertReceipt(incident: incident.id, status: status, text: text, dev: incident.dev, pseudonym: incident.pseudonym,
                     opened: incident.opened, category: incident.category.rawValue, severity: incident.severity.rawValue)
    }

    private mutating func submit(_ incident: Incident, status: IncidentStatus) -> [AlertReceipt] {
        let text = text(incident, status: status)
        let reference = incident.id + "/" + (status == .opened ? "opened" : "escalated-\(incident.severity.rawValue)")
        counts.incidentPosts += 1
        return settle(Post(reference: reference, kind: .incident(status), text: text),
                      receipts: [receipt(incident, status: .dryRun, text: text)])
    }

    private mutating func emitDueDigest(_ context: inout StageContext, now: Int64) {
        guard let digest = planner.dueDigest(at: now, end: tracker.watermark ?? 0) else { return }
        emit(digest, &context)
    }

    /// A digest's receipts: its own (the post), then one `digest` receipt
    /// per incident it carries, each naming the digest.
    private mutating func emit(_ digest: Digest, _ context: inout StageContext) {
        let text = configuration.digestTemplate.render(digest.facts) ?? PostTemplate.hashtag
        let own = AlertReceipt(incident: digest.id, status: .dryRun, text: text, digest: digest.id)
        let folded = digest.incidents.map { entry in
            AlertReceipt(incident: entry.id, status: .digest, text: text, dev: entry.dev, pseudonym: entry.pseudonym,
                         opened: entry.opened, category: entry.category.rawValue, digest: digest.id)
        }
        counts.digestPosts += 1
        counts.digested += digest.incidents.count
        let receipts = settle(Post(reference: digest.id, kind: .digest, text: text), receipts: [own] + folded)
        write(receipts, &context)
    }

    /// Hands `post` to the sink: the receipts now when it settles at once,
    /// else later (`emitSettled`).
    private mutating func settle(_ post: Post, receipts: [AlertReceipt]) -> [AlertReceipt] {
        guard failure == nil else { return [] }
        let outcome: PostOutcome
        do throws(StageFailure) {
            outcome = try sink.submit(post)
        } catch {
            failure = error
            return []
        }
        switch outcome {
        case .settled(let status, let postID):
            return Self.apply(status, postID: postID, to: receipts)
        case .pending:
            pending[post.reference] = receipts
            return []
        }
    }

    /// The post's own receipt takes the sink's status; an incident folded
    /// into a digest keeps `digest` unless the digest failed.
    static func apply(_ status: AlertReceipt.Status, postID: String?, to receipts: [AlertReceipt]) -> [AlertReceipt] {
        receipts.map { receipt in
            var settled = receipt
            settled.postID = postID
            if receipt.status != .digest || status == .failed { settled.status = status }
            return settled
        }
    }

    private mutating func emitSettled(_ context: inout StageContext) {
        var receipts: [AlertReceipt] = []
        for (reference, outcome) in sink.settled() {
            guard case .settled(let status, let postID) = outcome, let waiting = pending.removeValue(forKey: reference) else { continue }
            receipts += Self.apply(status, postID: postID, to: waiting)
        }
        receipts += sink.lateReceipts()
        write(receipts, &context)
    }

    private mutating func write(_ receipts: [AlertReceipt], _ context: inout StageContext) {
        guard !receipts.isEmpty else { return }
        for receipt in receipts { counts.receipts[receipt.status, default: 0] += 1 }
        context.completions.emitWithoutRecord { lines in
            for receipt in receipts { lines.line(receipt.document().dumpedBytes()) }
        }
    }

    private func schedule(_ context: inout StageContext, now: Int64) {
        guard let due = planner.nextWake(at: now) else { return }
        context.wake(at: context.now + .milliseconds(max(due - now, 0)))
    }
}
