/// Applying completions: the one place a deferred record is counted, written
/// or rejected (runner thread).
extension BatchStageRunner {
    /// Applies what the stage completed through its context.
    mutating func applyCompletions() throws(StageFailure) {
        if !context.completions.isEmpty {
            try apply(context.takeCompletions())
        }
        context.recordsInFlight = inFlight.count
        if let failure = context.failure { throw failure }
    }

    /// Counts, writes and rejects each entry, in order. A record counts as
    /// out before its write, so a failed write still leaves the ledger balanced.
    mutating func apply(_ completions: Completions) throws(StageFailure) {
        for entry in completions.entries {
            guard let ticket = entry.ticket else {
                if case .extra(let lines) = entry.outcome { try write(lines, of: completions) }
                continue
            }
            guard let (batch, index) = inFlight.complete(ticket) else {
                strayCompletions += 1
                if strayCompletions == 1 {
                    logger.error("\(S.name) completed record \(ticket) that is not in flight (completed twice, or after the drain); ignored")
                }
                continue
            }
            let line = batch.line(at: index)
            switch entry.outcome {
            case .pass:
                if options.atomicLines, line.bytes.count + 1 > FileDescriptorWriter.atomicLimit {
                    try refuseLongLine(line)
                } else {
                    ledger.countOut()
                    do { try writer.appendLine(line.bytes) } catch { throw StageFailure.output(error) }
                }
            case .emitted(let lines):
                if options.atomicLines, lines.contains(where: { completions.lineLength($0) + 1 > FileDescriptorWriter.atomicLimit }) {
                    try refuseLongLine(line)
                    continue
                }
                ledger.countOut()
                try write(lines, of: completions)
            case .reject(let reason, let detail):
                try reject(reason, detail: detail, line: line.number, input: line.bytes)
            case .notAnObject:
                try reject(.notObject, detail: "the stage appended members to a line that is not a JSON object",
                           line: line.number, input: line.bytes)
            case .extra(let lines):
                try write(lines, of: completions) // not made with a ticket; written all the same
            }
        }
        context.recordsInFlight = inFlight.count
    }

    private func write(_ lines: Range<Int>, of completions: Completions) throws(StageFailure) {
        let writer = self.writer
        for lineIndex in lines {
            if writer.atomicLines, completions.lineLength(lineIndex) + 1 > FileDescriptorWriter.atomicLimit {
                logger.warning("an output line longer than \(FileDescriptorWriter.atomicLimit) bytes was not written (--atomic-lines)")
                continue
            }
            try completions.withLine(lineIndex) { (bytes) throws(StageFailure) in
                do throws(WriteFailure) { try writer.appendLine(bytes) } catch { throw StageFailure.output(error) }
            }
        }
    }

    private mutating func refuseLongLine(_ line: Line) throws(StageFailure) {
        try reject(.lineTooLongForAtomicWrite,
                   detail: "output line longer than \(FileDescriptorWriter.atomicLimit) bytes with --atomic-lines",
                   line: line.number, input: line.bytes)
    }

    mutating func reject(_ reason: RejectReason, detail: String, line: Int, input: some Collection<UInt8>) throws(StageFailure) {
        ledger.countReject(reason)
        try rejects?.record(Reject(stage: S.name, reason: reason, line: line, detail: detail, input: input))
    }

    /// Rejects every record still in flight (the drain ran out of time, or
    /// the output failed), so the ledger balances whatever the stage holds.
    mutating func abandonInFlight(_ reason: RejectReason, detail: String) throws(StageFailure) {
        let left = inFlight.removeAll()
        guard !left.isEmpty else { return }
        logger.warning("\(left.count) records still in flight at exit: rejected as \(reason.code)")
        for (batch, index) in left {
            let line = batch.line(at: index)
            ledger.countReject(reason)
            try rejects?.record(Reject(stage: S.name, reason: reason, line: line.number, detail: detail, input: line.bytes))
        }
        context.recordsInFlight = 0
    }
}

extension RejectReason {
    /// The output failed (closed by its reader, or an I/O error) while the
    /// stage still held the record.
    public static let outputFailed = RejectReason("output_failed")
    /// The stage stopped the run (`StageContext.fail`: a durable write it
    /// needs failed) while the record was held or not yet processed.
    public static let stageFailed = RejectReason("stage_failed")
}
