import Glibc

/// The runner's steps: what `run()` loops over, and what an in-process
/// harness (WearTesting's `StageHarness`) drives by hand, with no input
/// descriptor, no signals and a manual clock.
extension BatchStageRunner {
    /// Opens the rejects file, writes the first metrics, starts the stage.
    @_spi(Testing) public mutating func start() throws(StageFailure) {
        rejects = try RejectsSink(path: options.rejectsPath, logger: logger)
        if options.metricsPath != nil {
            metricsDeadline = clock.now + options.metricsInterval
            try metrics.publishAtStart(allMetrics())
        }
        try stage.start(context: &context)
        try applyCompletions()
    }

    /// Input bytes, as if read: frames them and hands the batches to the stage.
    @_spi(Testing) public mutating func feed(_ bytes: some Collection<UInt8>) throws(StageFailure) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let space = framer.writableSpace()
            let count = min(space.count, rest.count)
            UnsafeMutableRawBufferPointer(rebasing: space[0..<count]).copyBytes(from: rest.prefix(count))
            rest = rest.dropFirst(count)
            try ingest(count)
        }
    }

    /// `count` bytes were read into the framer's writable space.
    mutating func ingest(_ count: Int) throws(StageFailure) {
        framer.didRead(count)
        while let event = framer.next() {
            try take(event)
        }
        try dispatchBatch()
    }

    /// End of input: the last line, then `finish` and the drain.
    @_spi(Testing) public mutating func endInput() throws(StageFailure) {
        inputEnded = true
        while let event = framer.finish() {
            try take(event)
        }
        try dispatchBatch()
        beginDrain()
    }

    /// Starts the drain (once): the stage's `finish`, and the bound on the wait.
    mutating func beginDrain() {
        guard drainDeadline == nil else { return }
        drainDeadline = clock.now + options.drainTimeout
        context.isDraining = true
        context.recordsInFlight = inFlight.count
        stage.finish(context: &context)
    }

    /// True when the drain is done: nothing in flight, or the bound passed
    /// (what is still held is then rejected as `drain_timeout`).
    @_spi(Testing) public mutating func drainIsOver() throws(StageFailure) -> Bool {
        guard let drainDeadline else { return false }
        try applyCompletions()
        if inFlight.isEmpty { return true }
        guard clock.now >= drainDeadline else { return false }
        try abandonInFlight(.drainTimeout, detail: "the stage still held the record when the drain ran out of time (\(options.drainTimeout))")
        return true
    }

    private mutating func take(_ event: LineEvent) throws(StageFailure) {
        switch event {
        case .line(let line):
            ledger.countIn(bytes: line.bytes.count)
            if !builder.add(line) {
                try dispatchBatch()
                _ = builder.add(line)
            }
        case .oversized(let number, let prefix):
            // Rejected here, never held: the batch built so far goes first (input order).
            try dispatchBatch()
            ledger.countIn(bytes: prefix.count)
            try reject(.lineTooLong, detail: "line longer than --max-line-bytes (\(options.maxLineBytes) bytes)",
                       line: number, input: prefix)
        }
    }

    /// Hands the lines collected so far to the stage as one owned batch.
    private mutating func dispatchBatch() throws(StageFailure) {
        guard !builder.isEmpty else { return }
        let batch = builder.make(id: nextSequence)
        nextSequence += UInt64(batch.count)
        inFlight.insert(batch)
        context.recordsInFlight = inFlight.count
        stage.process(batch, context: &context)
        try applyCompletions()
    }

    /// Serves ready descriptors: the remote completer's, then the stage's.
    @_spi(Testing) public mutating func serve(_ ready: [Int32]) throws(StageFailure) {
        for fd in ready {
            if fd == context.remote.descriptor {
                for completions in context.remote.take() {
                    try apply(completions)
                }
            } else if context.watched.contains(fd) {
                context.recordsInFlight = inFlight.count
                stage.descriptorReady(fd, context: &context)
                try applyCompletions()
            }
        }
    }

    /// Waits up to `milliseconds` of real time (0: only checks) for the
    /// watched descriptors, without input or signals, and serves them; then
    /// fires due deadlines. For harnesses.
    @_spi(Testing) public mutating func pollDescriptors(waitingUpTo milliseconds: Int32) throws(StageFailure) {
        let poller = Poller(inputFD: -1, signalFD: -1)
        poller.setWatched([context.remote.descriptor] + context.watched)
        try serve(try poller.wait(includeInput: false, timeoutMilliseconds: milliseconds).watched)
        try fireDeadlines()
    }

    /// Calls the stage for its deadline and writes metrics when they are due.
    @_spi(Testing) public mutating func fireDeadlines() throws(StageFailure) {
        let now = clock.now
        if let deadline = context.deadline, now >= deadline {
            context.clearDeadline()
            context.recordsInFlight = inFlight.count
            stage.deadlinePassed(context: &context)
            try applyCompletions()
        }
        if let deadline = metricsDeadline, now >= deadline {
            // After a stall (a stopped process), skip the missed intervals.
            let next = deadline + options.metricsInterval
            metricsDeadline = next > now ? next : now + options.metricsInterval
            try flush()
            metrics.publishDuringRun(allMetrics(), logger: logger)
        }
    }
}
