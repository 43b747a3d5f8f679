/// Where a stage writes the lines it emits. Write failures are remembered
/// and acted on by the runner after the record (a stage never handles I/O).
public struct StageOutput {
    let writer: FileDescriptorWriter
    /// When set (`SynchronousBatchStage`), lines are collected here instead
    /// of written: the batch runner writes them when it applies the verdict.
    let capture: CapturedLines?
    /// The first write failure (closed output or I/O error).
    var failure: WriteFailure?
    /// With `--atomic-lines`: a line was over PIPE_BUF and was not written.
    var refusedLongLine = false
    /// `emit(appendingTo:)` was given a line that is not a JSON object: the
    /// runner rejects the record as `not_object`.
    var appendedToNonObject = false
    /// Scratch for building lines with `emit(appendingTo:_:)`.
    let fields = JSONFieldWriter()
    /// Scratch for editing lines with `emit(editing:_:)`.
    let editor = RecordEditor()

    init(writer: FileDescriptorWriter) {
        self.writer = writer
        self.capture = nil
    }

    init(capturingInto capture: CapturedLines) {
        self.writer = FileDescriptorWriter(fd: -1)
        self.capture = capture
    }

    /// Lines emitted so far.
    public private(set) var linesEmitted = 0

    /// Emits one line (a complete JSON value, without newline).
    public mutating func emit(_ line: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        if let capture {
            capture.append(line)
            linesEmitted += 1
            return
        }
        if writer.atomicLines, line.count + 1 > FileDescriptorWriter.atomicLimit {
            refusedLongLine = true
            return
        }
        do {
            try writer.appendLine(line)
            linesEmitted += 1
        } catch {
            failure = error
        }
    }

    public mutating func emit(_ line: [UInt8]) {
        line.withUnsafeBytes { emit($0) }
    }

    /// Emits `line` (a JSON object) with the members `build` appends; the
    /// original members are copied byte for byte. A line that is not an
    /// object emits nothing and returns false, and the runner rejects the
    /// record as `not_object` (bad input never stops a stage).
    @discardableResult
    public mutating func emit(appendingTo line: UnsafeRawBufferPointer, _ build: (inout JSONFieldWriter) -> Void) -> Bool {
        // A copy shares the scratch buffer: no allocation, and `emit` may
        // mutate `self` while the line is read from it.
        var fields = self.fields
        guard fields.begin(object: line) else {
            appendedToNonObject = true
            return false
        }
        build(&fields)
        fields.end()
        emit(fields.bytes)
        return true
    }

    /// Emits `record` with the edits `edit` makes (set, replace, append to
    /// arrays: see `RecordEditor`); every other byte of the line is copied
    /// as read. When an edit throws (a `RecordEditError`: `flags` is not an
    /// array), or the line is not an object, nothing is emitted and the
    /// error is the stage's to turn into a reject (its description is a
    /// one-line detail).
    public mutating func emit(editing record: Record, _ edit: (RecordEditor) throws -> Void) throws {
        try emit(editing: record.bytes, root: record.json, edit)
    }

    /// `emit(editing:)` for a JSON object line and, when at hand, its parsed root.
    public mutating func emit(editing line: UnsafeRawBufferPointer, root: JSONValue?, _ edit: (RecordEditor) throws -> Void) throws {
        let editor = self.editor
        guard editor.begin(object: line, root: root) else { throw RecordEditError.notAnObject }
        try edit(editor)
        emit(editor.finish())
    }
}

/// Lines a `StageOutput` collected for one record (the batch adapter).
final class CapturedLines {
    // One owner thread, and no access overlaps another (each method is a
    // leaf): the dynamic exclusivity checks these would get cost ~500
    // instructions a record in wear-score (callgrind), for nothing.
    @exclusivity(unchecked) private(set) var bytes: [UInt8] = []
    @exclusivity(unchecked) private(set) var ends: [Int] = []

    func append(_ line: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    /// Appends every line collected to a completion's bytes and line ends.
    func write(bytes out: inout [UInt8], lineEnds: inout [Int]) {
        let base = out.count
        out.append(contentsOf: bytes)
        for end in ends { lineEnds.append(base + end) }
    }

    func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}

