import Glibc
import WearCore

/// Reads the PROXY protocol header at the start of a connection (stdin,
/// when systemd passes the socket inetd-style) before the stage's runner
/// reads the data that follows it.
///
/// Reads at most what `ProxyHeaderParser` asks for, so not one byte past
/// the header leaves the descriptor here: the runner's first read gets the
/// first byte of data, however the peer split the header and the data
/// over its writes. Waits with poll(2) for at most `timeout` in all (a peer
/// that connects and stays silent is refused, not waited for forever).
/// SIGHUP is ignored while it waits (the runner installs its handler next);
/// SIGTERM ends the process as its default action does: nothing was read.
public struct ProxyHeaderReader {
    public let fd: Int32
    public let timeout: Duration

    public init(fd: Int32 = STDIN_FILENO, timeout: Duration) {
        self.fd = fd
        self.timeout = timeout
    }

    /// The header, or a `StageFailure` with status 76 (EX_PROTOCOL) and one
    /// line saying what was wrong (74 if reading itself failed).
    public func read() throws(StageFailure) -> ProxyHeader {
        let previous = signal(SIGHUP, SIG_IGN)
        defer { signal(SIGHUP, previous) }
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while true {
            let wanted: Int
            switch ProxyHeaderParser.parse(received) {
            case .complete(let header, _): return header
            case .malformed(let error): throw Self.refusal(error.message)
            case .needMore(let count): wanted = count
            }
            guard try waitForInput(until: deadline) else {
                throw Self.refusal("no complete PROXY protocol header within \(timeout.quantityDescription) (\(received.count) bytes received)")
            }
            var chunk = [UInt8](repeating: 0, count: wanted)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                throw Self.refusal(received.isEmpty ? "the connection closed before sending a PROXY protocol header"
                                   : "the connection closed after \(received.count) bytes of a PROXY "
                                   + "\(received.first == 0x0D ? "v2" : "v1") header")
            } else if errno != EINTR && errno != EAGAIN {
                let code = errno
                throw StageFailure(status: .ioError, message: "reading the PROXY protocol header: \(String(cString: strerror(code)))")
            }
        }
    }

    static func refusal(_ message: String) -> StageFailure {
        StageFailure(status: .protocolError, message: "refusing connection: \(message)")
    }

    /// True when the descriptor is readable (or at its end) before `deadline`.
    private func waitForInput(until deadline: ContinuousClock.Instant) throws(StageFailure) -> Bool {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline).nanoseconds
            guard remaining > 0 else { return false }
            let milliseconds = Int32(clamping: (remaining + 999_999) / 1_000_000)
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR {
                let code = errno
                throw StageFailure(status: .ioError, message: "waiting for the PROXY protocol header: \(String(cString: strerror(code)))")
            }
        }
    }
}
