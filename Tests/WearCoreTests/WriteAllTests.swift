import Foundation
import Glibc
import Testing
@testable import WearCore

@Suite struct WriteAllTests {
    @Test func writesEverythingThroughAPipeWithASlowReader() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        // Non-blocking, as systemd hands descriptors out: a full pipe is
        // EAGAIN, waited out with poll(2), and writes come back short.
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let reader = ends[0]
        let received = Received()
        let thread = Thread {
            var chunk = [UInt8](repeating: 0, count: 7000)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received.append(chunk[0..<count])
                usleep(200)
            }
            received.finish()
        }
        thread.start()
        let outcome = WriteAll.write(payload, to: ends[1])
        close(ends[1])
        received.wait()
        close(reader)
        #expect(outcome == WriteAll.Outcome(written: payload.count, error: 0))
        #expect(received.bytes == payload)
    }

    @Test func reportsAFullDiskWithWhatWasWritten() throws {
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let outcome = WriteAll.write(Array("x\n".utf8), to: fd)
        #expect(outcome.written == 0)
        #expect(outcome.error == ENOSPC)
        #expect(outcome.message == "No space left on device")
    }

    @Test func writesNothingForAnEmptyBuffer() {
        #expect(WriteAll.write([UInt8](), to: -1) == WriteAll.Outcome(written: 0, error: 0))
        #expect(WriteAll.write(Array("x".utf8), to: -1).message == "Bad file descriptor")
    }

    @Test func keepsEachWriteWithinTheChunkSize() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let outcome = Array(repeating: UInt8(ascii: "a"), count: 10).withUnsafeBytes {
            WriteAll.write($0, to: ends[1], chunkBytes: 3)
        }
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
        #expect(outcome.written == 10 && count == 10)
    }

    final class Received: @unchecked Sendable {
        private let condition = NSCondition()
        private var data: [UInt8] = []
        private var done = false
        func append(_ bytes: ArraySlice<UInt8>) { condition.withLock { data += bytes } }
        func finish() { condition.withLock { done = true; condition.broadcast() } }
        func wait() { condition.withLock { while !done { condition.wait() } } }
        var bytes: [UInt8] { condition.withLock { data } }
    }
}
