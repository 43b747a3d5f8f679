import Glibc

/// Why output could not be written.
public enum WriteFailure: Error, Equatable, Sendable {
    /// The reader went away (EPIPE): persist state and exit quietly.
    case closed
    /// Any other write error, with errno.
    case io(Int32)

    public var message: String {
        switch self {
        case .closed: "output closed by the reader"
        case .io(let code): String(cString: strerror(code))
        }
    }
}

/// Buffers output for one file descriptor and writes it in chunks of at most
/// `chunkBytes` (64 KiB: a pipe's default capacity, so no write makes the
/// next stage wait for a partial record), retrying on EINTR, waiting with
/// poll(2) on EAGAIN (systemd hands out non-blocking descriptors).
///
/// In atomic-lines mode every write(2) holds whole lines and at most
/// `PIPE_BUF` (4096) bytes, so many writers can share one FIFO without
/// interleaving; the caller must not append a line longer than that.
public final class FileDescriptorWriter {
    public static let chunkBytes = 64 * 1024
    public static let atomicLimit = Int(PIPE_BUF)

    public let fd: Int32
    public let atomicLines: Bool
    private var buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var count = 0
    /// Bytes written to the descriptor so far.
    public private(set) var bytesWritten = 0

    public init(fd: Int32, atomicLines: Bool = false) {
        self.fd = fd
        self.atomicLines = atomicLines
        self.capacity = atomicLines ? Self.atomicLimit : Self.chunkBytes
        self.buffer = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Bytes waiting to be written.
    public var pendingBytes: Int { count }

    /// Appends one complete line (its bytes, then `\n`).
    public func appendLine(_ line: UnsafeRawBufferPointer) throws(WriteFailure) {
        let total = line.count + 1
        if count + total > capacity {
            try flush()
        }
        if total > capacity {
            precondition(!atomicLines, "a line over PIPE_BUF reached an atomic writer")
            try writeAll(line)
            var newline = UInt8(ascii: "\n")
            try withUnsafeBytes(of: &newline) { (byte) throws(WriteFailure) in try writeAll(byte) }
            return
        }
        if let base = line.baseAddress, line.count > 0 {
            (buffer + count).copyMemory(from: base, byteCount: line.count)
        }
        (buffer + count + line.count).storeBytes(of: UInt8(ascii: "\n"), as: UInt8.self)
        count += total
        if count >= capacity {
            try flush()
        }
    }

    /// Appends one complete line from an array.
    public func appendLine(_ line: [UInt8]) throws(WriteFailure) {
        let result = line.withUnsafeBytes { bytes -> Result<Void, WriteFailure> in
            do throws(WriteFailure) {
                try appendLine(bytes)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Writes everything buffered.
    public func flush() throws(WriteFailure) {
        guard count > 0 else { return }
        let pending = count
        count = 0
        try writeAll(UnsafeRawBufferPointer(start: buffer, count: pending))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(WriteFailure) {
        let outcome = WriteAll.write(bytes, to: fd, chunkBytes: Self.chunkBytes)
        bytesWritten += outcome.written
        switch outcome.error {
        case 0: return
        case EPIPE: throw .closed
        case let code: throw .io(code)
        }
    }
}
