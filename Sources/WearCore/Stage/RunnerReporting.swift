import Logging

/// The metrics file of one run, published the same way by both runners:
/// at start (a path that cannot be written is a setup error: the run
/// fails), at every `--metrics-interval` while running (a failure — disk
/// full, directory removed — is logged once and retried at the next
/// interval; metrics are not the data path, the stage goes on), and at
/// exit (skipped when the last attempt failed, so the error is not
/// repeated). Families are computed only when there is a file to write.
final class MetricsPublisher {
    let path: String?
    /// The last write failed (reported once).
    private var failed = false

    init(path: String?) {
        self.path = path
    }

    func publishAtStart(_ families: @autoclosure () -> [MetricFamily]) throws(StageFailure) {
        guard let path else { return }
        do {
            try MetricsFile(path: path).write(families())
        } catch {
            failed = true
            throw error
        }
    }

    func publishDuringRun(_ families: @autoclosure () -> [MetricFamily], logger: Logger) {
        guard let path else { return }
        do {
            try MetricsFile(path: path).write(families())
            failed = false
        } catch {
            if !failed { logger.error("\(error.message); retrying every --metrics-interval") }
            failed = true
        }
    }

    func publishAtExit(_ families: @autoclosure () -> [MetricFamily], logger: Logger) {
        guard let path, !failed else { return }
        do { try MetricsFile(path: path).write(families()) } catch { logger.error("\(error.message)") }
    }
}

/// The end of a run that read input, the same for both runners: persist
/// the stage's state (a failure is logged; the exit status stays the run's),
/// publish the last metrics, then the rate-limit notice and the summary line.
enum RunEnd {
    static func persist(_ persist: () throws -> Void, logger: Logger) {
        do {
            try persist()
        } catch {
            logger.error("persisting state failed: \(error)")
        }
    }

    static func report(metrics: MetricsPublisher, families: @autoclosure () -> [MetricFamily],
                       rejects: RejectsSink?, ledger: Ledger, logger: Logger) {
        metrics.publishAtExit(families(), logger: logger)
        if let suppressed = rejects?.suppressedWarnings, suppressed > 0 {
            logger.notice("\(suppressed) reject warnings were rate-limited; --rejects FILE keeps every one")
        }
        logger.info("\(ledger.summary)")
    }
}
