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
        try? abandonInFlight(.outputFailed, detail: "the output failed while the stage held the record")
        // Closed output: the flush fails again, quietly; state is still persisted.
        try? flush()
        do {
            try stage.persist()
        } catch {
            logger.error("persisting state failed: \(error)")
        }
        if options.metricsPath != nil, !metricsFailed {
            do { try writeMetrics() } catch { logger.error("\(error.message)") }
        }
        if let suppressed = rejects?.suppressedWarnings, suppressed > 0 {
            logger.notice("\(suppressed) reject warnings were rate-limited; --rejects FILE keeps every one")
        }
        logger.info("\(ledger.summary)")
    }

    /// Metrics are not the data path: once running, a failed write is
    /// logged once and retried at the next interval.
    mutating func writeMetricsDuringRun() {
        do {
            try writeMetrics()
            metricsFailed = false
        } catch {
            if !metricsFailed { logger.error("\(error.message); retrying every --metrics-interval") }
            metricsFailed = true
        }
    }

    func writeMetrics() throws(StageFailure) {
        guard let path = options.metricsPath else { return }
        try MetricsFile(path: path).write(runnerMetrics() + stage.metrics())
    }

    /// The counts every stage exports, plus the records in flight.
    func runnerMetrics() -> [MetricFamily] {
        RunnerMetrics.families(stage: S.name, version: options.version, startTime: startTime, ledger: ledger,
                               bytesWritten: writer.bytesWritten, blankLines: framer.blankLines)
            + [MetricFamily(name: "wear_records_in_flight", help: "Records read that the stage has not completed yet.",
                            kind: .gauge, samples: [.init(labels: [(name: "stage", value: S.name)], value: Double(inFlight.count))])]
    }
}
