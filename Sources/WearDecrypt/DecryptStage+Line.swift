import WearCore

extension DecryptStage {
    /// What became of one line outside the runner.
    public enum LineOutcome: Equatable, Sendable {
        /// The output line (without newline).
        case emitted([UInt8])
        case rejected(RejectReason, detail: String)
    }

    /// Checks `line` as the runner does (`RecordLayer`) and decrypts it: the stage's per-line work
    /// without the I/O shell, for in-process tests and the fuzz target.
    /// `line` is one non-blank line without its newline.
    public mutating func process(line: some Collection<UInt8>) -> LineOutcome {
        let bytes = Array(line)
        let parser: JSONParser
        if let existing = envelopeParser, existing.capacity >= bytes.count {
            parser = existing
        } else {
            parser = JSONParser(capacity: max(bytes.count, 4096))
            envelopeParser = parser
        }
        var padded = bytes
        padded.append(contentsOf: repeatElement(0, count: JSONParser.padding))
        return padded.withUnsafeBytes { raw in
            let line = Line(bytes: UnsafeRawBufferPointer(rebasing: raw[0..<bytes.count]), number: 1)
            let record: Record
            switch RecordLayer.record(from: line, parser: parser, acceptsNonJSON: Self.acceptsNonJSONLines) {
            case .success(let accepted): record = accepted
            case .failure(let fault): return .rejected(fault.reason, detail: fault.detail)
            }
            switch decrypt(record) {
            case .success(let output): return .emitted(Array(output))
            case .failure(let refusal): return .rejected(refusal.reason, detail: refusal.detail)
            }
        }
    }
}
