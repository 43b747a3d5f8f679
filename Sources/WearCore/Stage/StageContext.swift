/// What a `BatchStage` sees of the runner: complete records now or hand out
/// `remote` to complete them later from another thread, register
/// descriptors to be woken by, ask for a deadline, read the clock.
///
/// The runner owns the context and applies what the stage completed through
/// it after each call returns (`process`, `descriptorReady`, `deadlinePassed`,
/// `finish`). Runner thread only; `remote` is the way in from other threads.
public struct StageContext {
    /// The runner's clock: `SystemClock` in production, a manual one in tests.
    public let clock: any StageClock
    /// Completes records from any thread (wakes the runner).
    public let remote: RemoteCompleter
    /// Completed through this context, not yet applied by the runner.
    public var completions = Completions()
    /// Records read and not yet completed, before this call's completions.
    public internal(set) var recordsInFlight = 0
    /// True once the input has ended or SIGTERM/SIGINT arrived: complete
    /// what is held as soon as possible (the runner waits, bounded, for it).
    public internal(set) var isDraining = false
    /// Descriptors the stage asked to be woken by (readable or closed).
    public private(set) var watched: [Int32] = []
    /// The earliest instant the stage asked to be woken at (nil: none).
    public private(set) var deadline: Instant?
    /// Set by `fail`: the run stops after the current call, with this status.
    public private(set) var failure: StageFailure?

    init(clock: any StageClock, remote: RemoteCompleter) {
        self.clock = clock
        self.remote = remote
    }

    /// The current instant on the runner's clock.
    public var now: Instant { clock.now }

    /// The record passes unchanged.
    public mutating func pass(_ ticket: RecordTicket) { completions.pass(ticket) }

    /// The record is rejected.
    public mutating func reject(_ ticket: RecordTicket, _ reason: RejectReason, detail: String) {
        completions.reject(ticket, reason, detail: detail)
    }

    /// The record completes with one emitted line.
    public mutating func emit(_ ticket: RecordTicket, line: UnsafeRawBufferPointer) {
        completions.emit(ticket, line: line)
    }

    /// The record completes with `line` (an object) plus the members `build`
    /// appends; a line that is not an object becomes a `not_object` reject.
    @discardableResult
    public mutating func emit(_ ticket: RecordTicket, appendingTo line: UnsafeRawBufferPointer,
                              _ build: (inout JSONFieldWriter) -> Void) -> Bool {
        completions.emit(ticket, appendingTo: line, build)
    }

    /// Adds completions built elsewhere (on this thread).
    public mutating func complete(_ other: Completions) {
        completions.append(contentsOf: other)
    }

    /// Wakes the stage (`descriptorReady`) when `fd` is readable; the stage
    /// keeps owning the descriptor and must `unwatch` it before closing it.
    public mutating func watch(_ fd: Int32) {
        if !watched.contains(fd) { watched.append(fd) }
    }

    public mutating func unwatch(_ fd: Int32) {
        watched.removeAll { $0 == fd }
    }

    /// Wakes the stage (`deadlinePassed`) at `instant` or soon after; the
    /// earliest of several requests wins. Cleared when it fires.
    public mutating func wake(at instant: Instant) {
        if deadline.map({ instant < $0 }) ?? true { deadline = instant }
    }

    /// The stage cannot go on (a durable write failed): the runner applies
    /// this call's completions, then stops reading and exits with
    /// `failure`'s status after the usual shutdown (what is still held is
    /// rejected, state is persisted, the summary is logged). The first wins.
    public mutating func fail(_ failure: StageFailure) {
        if self.failure == nil { self.failure = failure }
    }

    /// Forgets the requested deadline.
    public mutating func cancelWakeUp() { deadline = nil }

    mutating func takeCompletions() -> Completions {
        let taken = completions
        completions = Completions()
        return taken
    }

    mutating func clearDeadline() { deadline = nil }
}
