import Foundation
import Glibc
import Testing
import WearTesting
@testable import WearCore

@Suite struct DurableFileTests {
    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    func leftovers(in directory: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.url.path)) ?? []).filter { $0.contains(".tmp.") }
    }

    @Test func replacesTheWholeFileAndLeavesNoTemporaryFile() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.file("state.json").path
        try DurableFile(path: path, mode: DurableFile.sharedMode).write(Array("old\n".utf8))
        try DurableFile(path: path, mode: DurableFile.sharedMode).write(Array("new\n".utf8))
        #expect(contents(path) == "new\n")
        #expect(leftovers(in: scratch).isEmpty)
    }

    @Test func privateFilesAreOwnerOnlyFromTheirFirstByte() throws {
        let scratch = try TemporaryDirectory()
        let file = DurableFile(path: scratch.file("master.key").path, mode: DurableFile.privateMode)
        // The temporary file as created, before anything is written to it.
        let (fd, temporary) = try file.createTemporary()
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_size == 0)
        close(fd)
        unlink(temporary)
        try file.write(Array("secret\n".utf8))
        #expect(stat(file.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func temporaryFilesAreHiddenSiblingsWithUniqueNames() throws {
        let scratch = try TemporaryDirectory()
        let file = DurableFile(path: scratch.file("m.prom").path, mode: DurableFile.sharedMode)
        let (first, firstPath) = try file.createTemporary()
        let (second, secondPath) = try file.createTemporary()
        defer { close(first); close(second); unlink(firstPath); unlink(secondPath) }
        #expect(firstPath != secondPath)
        #expect(firstPath.hasPrefix(scratch.url.path + "/.m.prom.tmp.\(getpid())."))
        #expect(DurableFile.split("m.prom") == (".", "m.prom"))
        #expect(DurableFile.split("/m.prom") == ("/", "m.prom"))
    }

    @Test func refusesToOverwriteWhenAskedTo() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.file("keys.json").path
        let file = DurableFile(path: path, mode: DurableFile.privateMode, overwrite: false)
        try file.write(Array("first\n".utf8))
        let refusal = #expect(throws: StageFailure.self) { try file.write(Array("second\n".utf8)) }
        #expect(refusal?.message == "refusing to overwrite \(path): the file exists")
        #expect(refusal?.status == .ioError)
        #expect(contents(path) == "first\n")
        #expect(leftovers(in: scratch).isEmpty)
    }

    @Test func saysWhichPathCouldNotBeWritten() throws {
        let path = "/nonexistent/dir/m.prom"
        let failure = #expect(throws: StageFailure.self) {
            try DurableFile(path: path, mode: DurableFile.sharedMode).write(Array("x".utf8))
        }
        #expect(failure?.message == "cannot write \(path): No such file or directory")
    }

    @Test func aFailedRenameLeavesNoTemporaryFileBehind() throws {
        let scratch = try TemporaryDirectory()
        // The target is a non-empty directory: rename(2) fails after the write.
        let target = scratch.file("busy")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("x".utf8).write(to: target.appendingPathComponent("inside"))
        #expect(throws: StageFailure.self) {
            try DurableFile(path: target.path, mode: DurableFile.sharedMode).write(Array("x".utf8))
        }
        #expect(leftovers(in: scratch).isEmpty)
    }

    @Test func concurrentWritersToOnePathNeverCollide() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.file("shared.txt").path
        let threads = 8, writes = 40
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for write in 0..<writes {
                let text = String(repeating: "\(thread)-\(write);", count: 200) + "\n"
                do {
                    try DurableFile(path: path, mode: DurableFile.sharedMode).write(Array(text.utf8))
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty)
        // Whichever write won, the file is exactly one writer's content.
        let final = try #require(contents(path))
        let piece = try #require(final.split(separator: ";").first)
        #expect(final == String(repeating: "\(piece);", count: 200) + "\n")
        #expect(leftovers(in: scratch).isEmpty)
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ failure: String) { lock.withLock { list.append(failure) } }
        var all: [String] { lock.withLock { list } }
    }
}
