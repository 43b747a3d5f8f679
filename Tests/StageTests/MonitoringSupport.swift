import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
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

extension Monitoring {
    /// A TCP port free on 127.0.0.1 now (the kernel's choice; released for the server to bind).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestSupportError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// GET `url` with a 5 s timeout: the status and body, or nil when nothing answered.
    static func get(_ url: String) -> (status: Int, body: Data)? {
        guard let url = URL(string: url) else { return nil }
        return send(URLRequest(url: url))
    }

    /// Sends `request` with a 5 s timeout: the status and body, or nil when nothing answered.
    static func send(_ request: URLRequest) -> (status: Int, body: Data)? {
        var request = request
        request.timeoutInterval = 5
        let done = DispatchSemaphore(value: 0)
        final class Answer: @unchecked Sendable { var value: (status: Int, body: Data)? }
        let answer = Answer()
        let task = URLSession.shared.dataTask(with: request) { data, response, _ in
            if let response = response as? HTTPURLResponse { answer.value = (response.statusCode, data ?? Data()) }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + 10) == .timedOut { task.cancel(); return nil }
        return answer.value
    }
}
