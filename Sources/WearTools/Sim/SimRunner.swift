import Glibc
import WearCore
import WearJOSE

/// Runs `wear sim` end to end: loads the master key, simulates into stdout
/// (buffered, at most 64 KiB per write), writes the labels. Errors are
/// `StageFailure`s: one line, the exit status, quiet when stdout closed.
public struct SimRunner {
    public var config: SimConfig
    public var masterKeyPath: String?
    /// keys.json of explicit device keys (an A128GCM fleet needs 16-byte ones).
    public var keysPath: String?
    public var allowInsecureKeyFile = false
    public var labelsPath: String?
    public var realtime = false
    public var progress = SimConsole.stderrIsTerminal
    public var outputFD: Int32 = STDOUT_FILENO

    public init(config: SimConfig) {
        self.config = config
    }

    /// What a run produced.
    public struct Summary: Sendable {
        public let lines: Int
        public let labels: [AttackLabel]
        /// The signal that stopped the run early ("SIGINT"), if one did.
        public var interrupted: String?
    }

    public func run() throws(StageFailure) -> Summary {
        let simulator = try makeSimulator()
        signal(SIGPIPE, SIG_IGN) // a closed stdout is EPIPE: exit quietly with 74
        SimInterrupt.install()
        let writer = FileDescriptorWriter(fd: outputFD)
        var console = SimConsole(writer: writer, realtime: realtime, progress: progress,
                                 startMs: config.startMs, durationMs: config.durationMs)
        var outcome: WriteFailure?
        do throws(WriteFailure) {
            try simulator.run(into: writer, observer: &console)
            try writer.flush()
        } catch {
            outcome = error
        }
        console.finish(lines: simulator.linesWritten)
        let labels = simulator.labels
        if let labelsPath {
            try Self.writeLabels(labels, to: labelsPath)
        }
        switch outcome {
        case nil: return Summary(lines: simulator.linesWritten, labels: labels, interrupted: SimInterrupt.signalName)
        case .closed: throw StageFailure(status: .ioError, message: "output closed by the reader", quiet: true)
        case .io: throw StageFailure(status: .ioError, message: "writing output: \(outcome?.message ?? "")")
        }
    }

    func makeSimulator() throws(StageFailure) -> Simulator {
        var keys: SimKeys?
        if !config.plain, let path = keysPath ?? masterKeyPath {
            do {
                keys = keysPath != nil ? .table(try KeyFiles.loadKeys(path: path, allowInsecure: allowInsecureKeyFile))
                    : .master(try KeyFiles.loadMasterKey(path: path, allowInsecure: allowInsecureKeyFile))
            } catch let failure as StageFailure {
                throw failure
            } catch let error as ConfigError {
                throw error.failure
            } catch {
                throw StageFailure(status: .config, message: "\(path): \(error)")
            }
        }
        do {
            return try Simulator(config: config, keys: keys)
        } catch {
            throw StageFailure(status: .usage, message: error.message)
        }
    }

    /// Writes labels as NDJSON (atomic replace, mode 0644).
    public static func writeLabels(_ labels: [AttackLabel], to path: String) throws(StageFailure) {
        let bytes = ByteBuffer()
        for label in labels {
            label.document().dump(into: bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        try DurableFile(path: path, mode: DurableFile.sharedMode).write(bytes.bytes)
    }
}
