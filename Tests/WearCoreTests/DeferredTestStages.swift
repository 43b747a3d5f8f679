import Foundation
import Synchronization
import WearCore
import WearTesting

/// Holds every record until its deadline, `hold` after it arrived, then
/// completes the records that are due in reverse order of arrival: out of
/// order, and later. `{"do":"reject"}` is rejected, `{"do":"tag"}` gets
/// `"late":true` appended, anything else passes.
struct TimerHoldingStage: BatchStage {
    static var name: String { "wear-hold" }
    let hold: Duration
    private let parser = JSONParser(capacity: 1 << 16)
    private var held: [(ticket: RecordTicket, due: Instant, line: [UInt8], action: String)] = []
    var finishCalls = 0

    init(hold: Duration) { self.hold = hold }

    mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        for index in 0..<batch.count {
            let ticket = batch.ticket(at: index)
            switch batch.record(at: index, parser: parser) {
            case .failure(let fault):
                context.reject(ticket, fault.reason, detail: fault.detail)
            case .success(let record):
                held.append((ticket, context.now + hold, Array(record.bytes), record.json?["do"]?.string ?? "pass"))
            }
        }
        scheduleNext(&context)
    }

    mutating func deadlinePassed(context: inout StageContext) {
        let now = context.now
        let due = held.filter { $0.due <= now }
        held.removeAll { $0.due <= now }
        for record in due.reversed() {
            switch record.action {
            case "reject": context.reject(record.ticket, RejectReason("held_reject"), detail: "asked to")
            case "tag":
                _ = record.line.withUnsafeBytes { line in
                    context.completions.emit(record.ticket, appendingTo: line) { $0.field("late", true) }
                }
            default: context.pass(record.ticket)
            }
        }
        scheduleNext(&context)
    }

    /// At the drain the held records stay held: their deadlines still decide.
    mutating func finish(context: inout StageContext) { finishCalls += 1 }

    private func scheduleNext(_ context: inout StageContext) {
        if let next = held.map(\.due).min() { context.wake(at: next) }
    }
}

/// Hands every batch to a worker thread (signals blocked there), which
/// completes its records in reverse order of arrival. `Delivery` chooses how
/// the results come back: through `context.remote` (the runtime's eventfd),
/// or through the stage's own eventfd, registered with `watch`, and a queue
/// the stage drains itself in `descriptorReady`.
final class WorkerPool: @unchecked Sendable {
    enum Delivery: Sendable { case remote, ownEventFD }

    private let condition = NSCondition()
    private var queue: [RecordBatch] = []
    private var stopping = false
    let results = Mutex<[Completions]>([])
    let wakeUp: EventFD
    let signalsBlockedInWorker = Mutex<Bool?>(nil)
    let delivery: Delivery
    /// The worker waits for this many records before completing any (0: each batch at once).
    let gather: Int

    /// How long the worker takes per round (a slow shard).
    let pause: Duration

    init(delivery: Delivery, gather: Int = 0, pause: Duration = .zero) throws {
        self.delivery = delivery
        self.gather = gather
        self.pause = pause
        wakeUp = try EventFD()
    }

    func start(remote: RemoteCompleter) {
        Thread.detachNewThread { [self] in
            SignalInbox.blockHandledSignalsInCurrentThread()
            signalsBlockedInWorker.withLock { $0 = SignalInbox.handledSignalsBlockedInCurrentThread }
            let parser = JSONParser(capacity: 1 << 16)
            var pending: [RecordBatch] = []
            while true {
                condition.lock()
                while queue.isEmpty && !stopping { condition.wait() }
                pending += queue
                queue.removeAll()
                let stop = stopping
                condition.unlock()
                let count = pending.reduce(0) { $0 + $1.count }
                guard count >= gather || stop else { continue }
                if pause > .zero { Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18 + Double(pause.components.seconds)) }
                var completions = Completions()
                for batch in pending.reversed() {
                    for index in (0..<batch.count).reversed() {
                        let ticket = batch.ticket(at: index)
                        switch batch.record(at: index, parser: parser) {
                        case .failure(let fault): completions.reject(ticket, fault.reason, detail: fault.detail)
                        case .success(let record):
                            completions.emit(ticket, appendingTo: record.bytes) { $0.field("seq", Int(ticket.sequence)) }
                        }
                    }
                }
                pending.removeAll()
                deliver(completions, remote: remote)
                if stop { return }
            }
        }
    }

    private func deliver(_ completions: Completions, remote: RemoteCompleter) {
        switch delivery {
        case .remote: remote.post(completions)
        case .ownEventFD:
            results.withLock { $0.append(completions) }
            wakeUp.signal()
        }
    }

    func submit(_ batch: RecordBatch) {
        condition.withLock {
            queue.append(batch)
            condition.signal()
        }
    }

    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }
}

struct ThreadedStage: BatchStage {
    static var name: String { "wear-threaded" }
    let pool: WorkerPool
    var descriptorWakeUps = 0
    var maxInFlightSeen = 0
    var largestBatch = 0

    mutating func start(context: inout StageContext) throws(StageFailure) {
        pool.start(remote: context.remote)
        if pool.delivery == .ownEventFD { context.watch(pool.wakeUp.descriptor) }
    }

    mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        maxInFlightSeen = max(maxInFlightSeen, context.recordsInFlight)
        largestBatch = max(largestBatch, batch.count)
        pool.submit(batch)
    }

    mutating func descriptorReady(_ fd: Int32, context: inout StageContext) {
        guard fd == pool.wakeUp.descriptor else { return }
        descriptorWakeUps += 1
        pool.wakeUp.drain()
        for completions in pool.results.withLock({ results in defer { results.removeAll() }; return results }) {
            context.complete(completions)
        }
    }

    mutating func finish(context: inout StageContext) { pool.stop() }
}
