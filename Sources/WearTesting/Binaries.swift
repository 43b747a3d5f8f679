import Foundation

/// Finds the package's built executables for end-to-end tests: they sit next
/// to the test bundle in the build folder (`swift build` builds them; `make
/// test` runs it before `swift test`).
public enum Binaries {
    /// The folder holding the test bundle and the executables.
    public static var directory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // The test runner may live inside a `.xctest` bundle folder.
        while folder.pathExtension == "xctest" || folder.lastPathComponent == "Contents" || folder.lastPathComponent == "MacOS" {
            folder.deleteLastPathComponent()
        }
        return folder
    }

    /// The path of a built executable, or an error saying how to build it.
    public static func url(of name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestSupportError("executable \(name) not found in \(directory.path): run `swift build` first (make test does)")
        }
        return url
    }
}

/// A failure of the test support itself, with a message that says what to do.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
