import Glibc

/// Where a stage reads records: standard input, a file or a FIFO.
public enum InputSource: Sendable, Equatable {
    case standardInput
    case path(String)

    /// `-` or nil means standard input.
    public init(argument: String?) {
        if let argument, argument != "-" { self = .path(argument) } else { self = .standardInput }
    }

    public var displayName: String {
        switch self {
        case .standardInput: "<stdin>"
        case .path(let path): path
        }
    }
}

/// Reads blocks from a descriptor, waiting with poll(2) so that a pending
/// signal or a timer deadline interrupts the wait, and so that output can be
/// flushed exactly when the stage is about to wait for input.
final class InputReader {
    enum Outcome: Equatable {
        case data(Int)
        case endOfInput
        /// A signal arrived (see `SignalInbox.take`).
        case interrupted
        /// The deadline passed with no input.
        case timedOut
    }

    let fd: Int32
    /// The path, or `<stdin>`, for error messages.
    let name: String
    private let ownsDescriptor: Bool
    private let signalFD: Int32
    /// Regular files never block: no poll, no flush before reads.
    let neverBlocks: Bool

    init(source: InputSource, signalFD: Int32) throws(StageFailure) {
        switch source {
        case .standardInput:
            fd = STDIN_FILENO
            ownsDescriptor = false
        case .path(let path):
            // O_NONBLOCK: opening a FIFO must not wait for its writer; reads handle EAGAIN.
            let opened = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard opened >= 0 else {
                let code = errno
                throw StageFailure(status: code == ENOENT ? .noInput : .ioError,
                                   message: "cannot open input \(path): \(String(cString: strerror(code)))")
            }
            fd = opened
            ownsDescriptor = true
        }
        name = source.displayName
        self.signalFD = signalFD
        var info = stat()
        let known = fstat(fd, &info) == 0
        // A directory opens fine and fails at the first read: refuse it now,
        // as a start-up error that names the path.
        if known && (info.st_mode & S_IFMT) == S_IFDIR {
            if ownsDescriptor { close(fd) }
            throw StageFailure(status: .ioError, message: "cannot read input \(name): \(String(cString: strerror(EISDIR)))")
        }
        neverBlocks = known && (info.st_mode & S_IFMT) == S_IFREG
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Reads into `space`. Before blocking, calls `beforeWaiting` (the flush);
    /// waits at most until `deadline` (nil: no deadline).
    func read(into space: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant?,
              beforeWaiting: () throws(StageFailure) -> Void) throws(StageFailure) -> Outcome {
        if !neverBlocks {
            var ready = try poll(timeoutMilliseconds: 0)
            if ready == nil {
                try beforeWaiting()
                ready = try poll(timeoutMilliseconds: Self.milliseconds(until: deadline))
            }
            switch ready {
            case nil: return .timedOut
            case .signal?: return .interrupted
            case .input?: break
            }
        }
        switch try readNow(into: space) {
        case .data(let count): return .data(count)
        case .endOfInput: return .endOfInput
        case .interrupted: return .interrupted
        case .wouldBlock: return .data(0) // a FIFO with its writer still open and nothing to read
        }
    }

    /// What one read(2) gave.
    enum ReadResult: Equatable {
        case data(Int)
        case endOfInput
        case interrupted
        /// EAGAIN: nothing to read now (a non-blocking pipe or FIFO).
        case wouldBlock
    }

    /// One read(2) into `space`, without waiting first.
    func readNow(into space: UnsafeMutableRawBufferPointer) throws(StageFailure) -> ReadResult {
        let count = Glibc.read(fd, space.baseAddress, space.count)
        if count > 0 { return .data(count) }
        if count == 0 { return .endOfInput }
        switch errno {
        case EINTR: return .interrupted
        case EAGAIN: return .wouldBlock
        case let code:
            throw StageFailure(status: .ioError, message: "reading input \(name): \(String(cString: strerror(code)))")
        }
    }

    private enum Readiness { case input, signal }

    private func poll(timeoutMilliseconds: Int32) throws(StageFailure) -> Readiness? {
        var descriptors = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
        ]
        let count = Glibc.poll(&descriptors, signalFD >= 0 ? 2 : 1, timeoutMilliseconds)
        if count < 0 {
            if errno == EINTR { return .signal }
            throw StageFailure(status: .ioError, message: "waiting for input: \(String(cString: strerror(errno)))")
        }
        if count == 0 { return nil }
        if signalFD >= 0 && descriptors[1].revents != 0 { return .signal }
        return .input
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: milliseconds)
    }
}
