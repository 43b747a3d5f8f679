import Glibc

/// Writes metrics to a file atomically, as node_exporter's textfile collector
/// expects: a temporary file in the same directory, then rename(2)
/// (`DurableFile`, mode 0644 so the collector can read it).
public struct MetricsFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func write(_ families: [MetricFamily]) throws(StageFailure) {
        let text = PrometheusText.render(families)
        try DurableFile(path: path, mode: DurableFile.sharedMode).write(Array(text.utf8))
    }
}
