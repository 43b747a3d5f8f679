import Foundation
import WearTesting

/// pipelines/monitoring and the Debian tools its tests run.
enum Monitoring {
    /// The repository's root, found relative to this source file.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var folder: URL { repository.appendingPathComponent("pipelines/monitoring") }

    /// An installed tool; a missing one is a failure naming the Debian package (scripts/deps.sh installs it).
    static func tool(_ name: String, package: String) throws -> URL {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"]
        where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return URL(fileURLWithPath: "\(folder)/\(name)")
        }
        throw TestSupportError("\(name) not found: apt-get install \(package) (make deps installs it)")
    }
}
