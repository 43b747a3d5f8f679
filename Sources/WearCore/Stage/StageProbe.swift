/// Runs single lines through a `Stage` in memory, with the checks the
/// runner applies first (`RecordLayer`: JSON, object, duplicate names):
/// what rule test files (`wear-filter --test`) and tools need to ask "what
/// would the stage do with this line?" without a process or a pipe.
public final class StageProbe<S: Stage> {
    /// What became of one line.
    public enum Outcome: Equatable {
        /// Passed through unchanged.
        case passed
        /// The stage wrote these lines instead (a changed record, or none).
        case emitted([[UInt8]])
        case rejected(RejectReason, detail: String)
    }

    public var stage: S
    private let parser: JSONParser
    private let captured = CapturedLines()
    private var output: StageOutput
    private var lineNumber = 0
    private let maxLineBytes: Int

    public init(_ stage: S, maxLineBytes: Int = RunnerOptions().maxLineBytes) {
        self.maxLineBytes = maxLineBytes
        self.stage = stage
        parser = JSONParser(capacity: maxLineBytes + 1)
        output = StageOutput(capturingInto: captured)
    }

    /// Feeds one line (without its newline).
    public func run(_ line: [UInt8]) -> Outcome {
        lineNumber += 1
        guard line.count <= maxLineBytes else {
            return .rejected(.lineTooLong, detail: "longer than --max-line-bytes (\(maxLineBytes))")
        }
        var padded = line
        padded.append(contentsOf: repeatElement(0, count: JSONParser.padding))
        return padded.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<line.count])
            switch RecordLayer.record(from: Line(bytes: bytes, number: lineNumber), parser: parser,
                                      acceptsNonJSON: S.acceptsNonJSONLines) {
            case .failure(let fault): return .rejected(fault.reason, detail: fault.detail)
            case .success(let record):
                captured.removeAll()
                switch stage.process(record, into: &output) {
                case .pass: return .passed
                case .reject(let reason, let detail): return .rejected(reason, detail: detail)
                case .emitted: return .emitted(captured.lines)
                }
            }
        }
    }
}

extension CapturedLines {
    /// The lines collected, each as its own bytes.
    var lines: [[UInt8]] {
        var start = 0
        return ends.map { end in
            defer { start = end }
            return Array(bytes[start..<end])
        }
    }
}
