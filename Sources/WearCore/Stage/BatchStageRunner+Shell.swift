/// Flushing, reloading, metrics and the exit report of `BatchStageRunner`.
extension BatchStageRunner {
    @_spi(Testing) public mutating func flush() throws(StageFailure) {
        do throws(WriteFailure) { try writer.flush() } catch { throw StageFailure.output(error) }
        try rejects?.flush()
    }

    mutating func reload() {
        do {
            try stage.reload()
            logger.notice("reloaded configuration (SIGHUP)")
        } catch {
            logger.error("reload failed, keeping the previous configuration: \(error)")
        }
    }

    func noteUnfinishedLine() {
        let pending = framer.bufferedBytes
        if pending > 0 {
            logger.warning("stopping with \(pending) bytes of an unfinished line not processed")
        }
    }

    /// After the run (drained, or failed): accounts for anything still in
    /// flight, flushes, persists, writes the last metrics, logs the summary.
    @_spi(Testing) public mutating func shutDown() {
        try? applyCompletions()
        for completions in context.remote.take() {
            try? apply(completions)
        }
        if let failure = context.failure {
            try? abandonInFlight(.stageFailed, detail: "the stage stopped before it completed the record: \(failure.message)")
        } else {
            try? abandonInFlight(.outputFailed, detail: "the output failed while the stage held the record")
        }
        // Closed output: the flush fails again, quietly; state is still persisted.
        try? flush()
        RunEnd.persist({ try stage.persist() }, logger: logger)
        RunEnd.report(metrics: metrics, families: allMetrics(), rejects: rejects, ledger: ledger, logger: logger)
    }

    func allMetrics() -> [MetricFamily] {
        runnerMetrics() + stage.metrics()
    }

    /// The counts every stage exports, plus the records in flight.
    func runnerMetrics() -> [MetricFamily] {
        RunnerMetrics.families(stage: S.name, version: options.version, startTime: startTime, ledger: ledger,
                               bytesWritten: writer.bytesWritten, blankLines: framer.blankLines)
            + [MetricFamily(name: "wear_records_in_flight", help: "Records read that the stage has not completed yet.",
                            kind: .gauge, samples: [.init(labels: [(name: "stage", value: S.name)], value: Double(inFlight.count))])]
    }
}
