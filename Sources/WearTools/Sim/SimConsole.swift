import Glibc
import WearCore

/// The command's observer: paces output by event time (`--realtime`) and
/// keeps a progress line on stderr (only when stderr is a terminal).
public struct SimConsole: SimObserver {
    let writer: FileDescriptorWriter
    let realtime: Bool
    let progress: Bool
    let startMs: Int64
    let durationMs: Int64
    private let wallStart = Monotonic.now()
    private var nextReport = 0.5

    public init(writer: FileDescriptorWriter, realtime: Bool, progress: Bool, startMs: Int64, durationMs: Int64) {
        self.writer = writer
        self.realtime = realtime
        self.progress = progress
        self.startMs = startMs
        self.durationMs = durationMs
    }

    /// SIGTERM or SIGINT arrived (see `SimInterrupt`).
    public var stopRequested: Bool { SimInterrupt.requested }

    /// True when stderr is a terminal: show progress.
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    public mutating func willEmit(eventTime: Int64, lines: Int) throws(WriteFailure) {
        if realtime {
            let due = Double(eventTime - startMs) / 1000
            let wait = due - (Monotonic.now() - wallStart)
            if wait > 0.001 {
                try writer.flush()
                Monotonic.sleep(wait)
            }
        }
        if progress, lines & 0x3FFF == 0 || realtime {
            report(eventTime: eventTime, lines: lines, final: false)
        }
    }

    /// Ends the progress line (call once at the end).
    public mutating func finish(lines: Int) {
        guard progress else { return }
        nextReport = 0
        report(eventTime: startMs + durationMs, lines: lines, final: true)
    }

    private mutating func report(eventTime: Int64, lines: Int, final: Bool) {
        let elapsed = Monotonic.now() - wallStart
        guard final || elapsed >= nextReport else { return }
        nextReport = elapsed + 0.5
        let done = min(1, max(0, Double(eventTime - startMs) / Double(durationMs)))
        let rate = elapsed > 0 ? Double(lines) / elapsed : 0
        let eta = done > 0 ? elapsed * (1 - done) / done : 0
        var text = "\r\u{1B}[Kwear sim: \(lines) lines, \(Self.compact(rate))/s, \(Int(done * 100))% of event time"
        text += final ? ", done in \(Self.seconds(elapsed))\n" : ", ETA \(Self.seconds(eta))"
        _ = WriteAll.write(text, to: STDERR_FILENO)
    }

    static func compact(_ value: Double) -> String {
        guard value >= 1e6 else { return value >= 1e3 ? "\(Int(value / 1e3))k" : "\(Int(value))" }
        let hundredths = Int(value / 1e4)
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)M"
    }

    static func seconds(_ value: Double) -> String {
        value >= 120 ? "\(Int(value / 60))m\(Int(value) % 60)s" : "\(Int(value.rounded()))s"
    }
}

/// Wall-clock time for pacing and progress only (never for event time).
enum Monotonic {
    /// Seconds on the runtime's monotonic clock (`SystemClock`).
    static func now() -> Double {
        Double(SystemClock().now.nanoseconds) * 1e-9
    }

    static func sleep(_ seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR && !SimInterrupt.requested {
            request = remaining
        }
    }
}
