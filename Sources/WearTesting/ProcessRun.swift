import Foundation

/// The result of running a binary to completion.
public struct ProcessResult: Sendable {
    public let status: Int32
    /// True when the process was ended by a signal (status is then the signal).
    public let signaled: Bool
    public let stdout: Data
    public let stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    public var stdoutLines: [String] { stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
}

/// Runs executables with files for stdin/stdout/stderr (no pipe deadlocks).
public enum ProcessRun {
    /// Runs `executable` with `arguments`, `input` as stdin, in `directory`;
    /// waits for it to exit.
    public static func run(_ executable: URL, _ arguments: [String], input: Data = Data(),
                           directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        let scratch = try TemporaryDirectory()
        let inputURL = scratch.url.appendingPathComponent("stdin")
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        try input.write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(["COLUMNS": "80"].merging(environment) { $1 }) { $1 }
        let stdin = try FileHandle(forReadingFrom: inputURL)
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        defer { try? stdin.close(); try? stdout.close(); try? stderr.close() }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus,
                             signaled: process.terminationReason == .uncaughtSignal,
                             stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
    }

    /// Runs a shell pipeline (`/bin/sh -c`), for tests of real pipes.
    public static func shell(_ script: String, directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], directory: directory, environment: environment)
    }
}

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        let base = FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("wear-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}
