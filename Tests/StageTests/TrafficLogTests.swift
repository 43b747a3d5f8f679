import Foundation
import Glibc
import Testing
import WearTesting

/// Traffic metadata on a real nginx log: Debian's nginx with the stream
/// module, TLS on (certificates made with openssl here), logging with
/// pipelines/nginx/wear-log.conf, proxying to a local sink; normal TLS
/// sessions, an old TLS client, a connection flood and a scan, each from its
/// own loopback address; then the log through wear-filter with
/// pipelines/traffic.rules and wear-score keyed by address.
@Suite struct TrafficLogTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let rules = repository.appendingPathComponent("pipelines/traffic.rules").path

    /// Who connected, from which address (the whole of 127/8 is loopback).
    enum Client {
        static let device = "127.0.0.1"       // 3 TLSv1.3 sessions of 4 KiB each
        static let flooder = "127.0.0.2"      // 60 connect-and-close
        static let scanner = "127.0.0.3"      // 10 plain-text requests to the TLS port
        static let oldTLS = "127.0.0.4"       // 1 TLSv1.2 session with a CBC cipher
    }
    static let sessions = 3 + 60 + 10 + 1
    /// What the device sends in each session: whole lines of telemetry.
    static let deviceRecords = Data((0..<30).map { Telemetry.record($0) + "\n" }.joined().utf8)

    /// The log of one nginx run, made once for the suite.
    static let run: Result<NginxRun, TestSupportError> = Result { try NginxRun() }
        .mapError { $0 as? TestSupportError ?? TestSupportError("\($0)") }

    final class NginxRun: Sendable {
        let scratch: TemporaryDirectory
        let log: Data
        let started: Int

        init() throws {
            scratch = try TemporaryDirectory()
            let folder = scratch.url.path
            let nginx = try TrafficLogTests.tool("nginx", in: ["/usr/sbin", "/usr/bin"], package: "nginx")
            let openssl = try TrafficLogTests.tool("openssl", in: ["/usr/bin"], package: "openssl")
            let module = "/usr/lib/nginx/modules/ngx_stream_module.so"
            guard FileManager.default.fileExists(atPath: module) else {
                throw TestSupportError("\(module) not found: install Debian's libnginx-mod-stream (scripts/deps.sh does)")
            }
            let certificate = try ProcessRun.run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                                           "-nodes", "-keyout", "\(folder)/key.pem", "-out", "\(folder)/cert.pem",
                                                           "-days", "1", "-subj", "/CN=ingest.test"])
            guard certificate.status == 0 else { throw TestSupportError("openssl req: \(certificate.stderrText)") }

            let sink = try UnixSink(path: "\(folder)/sink.sock")
            defer { sink.stop() }
            let port = try TrafficLogTests.freeLoopbackPort()
            let configuration = """
                load_module \(module);
                daemon off;
                master_process on;
                worker_processes 1;
                pid \(folder)/nginx.pid;
                error_log \(folder)/error.log info;
                events { worker_connections 512; }
                stream {
                    include \(TrafficLogTests.repository.path)/pipelines/nginx/wear-log.conf;
                    server {
                        listen 127.0.0.1:\(port) ssl;
                        ssl_certificate \(folder)/cert.pem;
                        ssl_certificate_key \(folder)/key.pem;
                        ssl_protocols TLSv1.2 TLSv1.3;
                        ssl_ciphers HIGH:ECDHE-ECDSA-AES128-SHA;
                        access_log \(folder)/access.ndjson wear_stream_json;
                        proxy_pass unix:\(folder)/sink.sock;
                    }
                }
                """
            try configuration.write(toFile: "\(folder)/nginx.conf", atomically: true, encoding: .utf8)
            let test = try ProcessRun.run(nginx, ["-t", "-q", "-e", "\(folder)/error.log", "-p", folder, "-c", "\(folder)/nginx.conf"])
            guard test.status == 0 else { throw TestSupportError("nginx -t: \(test.stderrText)") }

            let server = Process()
            server.executableURL = nginx
            server.arguments = ["-e", "\(folder)/error.log", "-p", folder, "-c", "\(folder)/nginx.conf"]
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer {
                // Graceful stop (SIGQUIT: the sessions are over), bounded; then SIGKILL the master and its workers.
                if server.isRunning {
                    kill(server.processIdentifier, SIGQUIT)
                    if !Polling.until(upTo: 10, { !server.isRunning }) {
                        for worker in TrafficLogTests.childProcesses(of: server.processIdentifier) { kill(worker, SIGKILL) }
                        kill(server.processIdentifier, SIGKILL)
                    }
                }
                server.waitUntilExit()
            }
            // The pid file is written once the listening sockets are open.
            guard Polling.until(upTo: 10, { FileManager.default.fileExists(atPath: "\(folder)/nginx.pid") }) else {
                throw TestSupportError("nginx did not start: \((try? String(contentsOfFile: "\(folder)/error.log", encoding: .utf8)) ?? "")")
            }
            started = Int(Date().timeIntervalSince1970 * 1000)

            // A device: three TLSv1.3 sessions streaming 30 records (~4 KiB) each, closing at the end of input.
            let records = TrafficLogTests.deviceRecords
            for _ in 0..<3 {
                let session = try ProcessRun.run(URL(fileURLWithPath: "/usr/bin/timeout"),
                                                 ["10", openssl.path, "s_client", "-connect", "127.0.0.1:\(port)", "-bind", Client.device,
                                                  "-tls1_3", "-quiet", "-no_ign_eof"], input: records)
                guard session.status == 0 else { throw TestSupportError("openssl s_client (TLSv1.3): \(session.status) \(session.stderrText)") }
            }
            // An old client: TLSv1.2 with a CBC-SHA1 suite no device negotiates.
            let old = try ProcessRun.run(URL(fileURLWithPath: "/usr/bin/timeout"),
                                         ["10", openssl.path, "s_client", "-connect", "127.0.0.1:\(port)", "-bind", Client.oldTLS,
                                          "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA", "-quiet", "-no_ign_eof"], input: records)
            guard old.status == 0 else { throw TestSupportError("openssl s_client (TLSv1.2): \(old.status) \(old.stderrText)") }
            // A flood: connect and close, as fast as possible.
            for _ in 0..<60 { try TrafficLogTests.plainSession(from: Client.flooder, to: port, sending: nil) }
            // A scan: plain-text requests to the TLS port.
            for _ in 0..<10 { try TrafficLogTests.plainSession(from: Client.scanner, to: port, sending: "GET / HTTP/1.0\r\n\r\n") }

            // nginx logs a session when it ends; wait for all of them, then stop it.
            let logPath = "\(folder)/access.ndjson"
            let complete = Polling.until(upTo: 20) {
                lineCount((try? Data(contentsOf: URL(fileURLWithPath: logPath))) ?? Data()) >= TrafficLogTests.sessions
            }
            kill(server.processIdentifier, SIGQUIT)
            guard Polling.until(upTo: 10, { !server.isRunning }) else { throw TestSupportError("nginx did not stop on SIGQUIT") }
            log = (try? Data(contentsOf: URL(fileURLWithPath: logPath))) ?? Data()
            guard complete else {
                throw TestSupportError("nginx logged \(lineCount(log)) of \(TrafficLogTests.sessions) sessions:\n\(String(decoding: log, as: UTF8.self))")
            }
        }
    }

    /// One plain TCP session from `source` (a loopback address): optionally a request, then close.
    static func plainSession(from source: String, to port: UInt16, sending text: String?) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var local = sockaddr_in(loopback: source, port: 0)
        var remote = sockaddr_in(loopback: "127.0.0.1", port: port)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw TestSupportError("bind \(source): \(String(cString: strerror(errno)))") }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw TestSupportError("connect to nginx from \(source): \(String(cString: strerror(errno)))") }
        if let text { writeAll(fd, text) }
    }

    /// A port that was free a moment ago on 127.0.0.1 (the kernel's choice).
    static func freeLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in(loopback: "127.0.0.1", port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw TestSupportError("no free port on 127.0.0.1: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// The children of a process (nginx's workers), from /proc.
    static func childProcesses(of parent: pid_t) -> [pid_t] {
        let text = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    static func tool(_ name: String, in folders: [String], package: String) throws -> URL {
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return URL(fileURLWithPath: "\(folder)/\(name)")
        }
        throw TestSupportError("\(name) not found: install Debian's \(package) (scripts/deps.sh does)")
    }

    static func objects(_ data: Data) throws -> [[String: Any]] {
        try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestSupportError("not a JSON object: \(line)")
            }
            return object
        }
    }

    static func flags(_ object: [String: Any]) -> Set<String> { Set(object["flags"] as? [String] ?? []) }

    @Test func everyLineIsAJSONObjectWithNumbersWhereNumbersBelong() throws {
        let run = try Self.run.get()
        let sessions = try Self.objects(run.log)
        #expect(sessions.count == Self.sessions)
        let now = Int(Date().timeIntervalSince1970 * 1000)
        for session in sessions {
            for field in ["ts", "status", "bytes_in", "bytes_out", "session_time", "conn"] {
                #expect(session[field] is NSNumber, "\(field) is not a number in \(session)")
            }
            for field in ["addr", "port", "tls", "cipher", "sni", "client_verify", "client_dn", "upstream", "server_port"] {
                #expect(session[field] is String, "\(field) is not a string in \(session)")
            }
            // ts is the session's end in ms since the epoch, as wear's event time is.
            let ts = (session["ts"] as? NSNumber)?.intValue ?? 0
            #expect(ts >= run.started - 1000 && ts <= now + 1000, "ts \(ts) is not in ms of this run (\(run.started)...\(now))")
        }
        let byAddress = Dictionary(grouping: sessions) { $0["addr"] as? String ?? "" }
        #expect(byAddress.mapValues(\.count) == [Client.device: 3, Client.flooder: 60, Client.scanner: 10, Client.oldTLS: 1])
        for session in byAddress[Client.device] ?? [] {
            #expect(session["tls"] as? String == "TLSv1.3" && session["status"] as? Int == 200)
            // $bytes_received counts the payload nginx read from the client (after TLS), byte for byte.
            #expect(session["bytes_in"] as? Int == Self.deviceRecords.count, "\(session)")
        }
        #expect(byAddress[Client.oldTLS]?.first?["cipher"] as? String == "ECDHE-ECDSA-AES128-SHA")
        #expect(byAddress[Client.flooder]?.allSatisfy { $0["status"] as? Int == 500 && $0["cipher"] as? String == "(NONE)" } == true,
                "a connection closed before the handshake is status 500, cipher (NONE)")
    }

    @Test func theRulesDropTheFloodAndTagScansAndOldTLSByAddress() throws {
        let run = try Self.run.get()
        let scratch = try TemporaryDirectory()
        let rejectsPath = scratch.file("rejects").path
        let filtered = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--rules", Self.rules, "--rejects", rejectsPath], input: run.log)
        #expect(filtered.status == 0, "\(filtered.stderrText)")
        let rejectsData = (try? Data(contentsOf: URL(fileURLWithPath: rejectsPath))) ?? Data()
        let summary = expectBalancedLedger("wear-filter", stdout: filtered.stdout, stderr: filtered.stderrText, rejects: rejectsData)
        #expect(summary?.recordsIn == Self.sessions)

        // Every reject is a flood drop of the flooding address: no line failed to parse (bad_json) or to match.
        let rejects = try Self.objects(rejectsData)
        #expect(!rejects.isEmpty, "the flood was not dropped")
        for reject in rejects {
            #expect(reject["reason"] as? String == "rule:flood", "\(reject)")
            #expect((reject["input"] as? String)?.contains("\"addr\":\"\(Client.flooder)\"") == true, "\(reject)")
        }
        // A bucket of 2/s with a burst of 20: the first 21 of the flood pass, then 2 for each second it lasted.
        let floodTimes = try Self.objects(run.log).filter { $0["addr"] as? String == Client.flooder }.compactMap { ($0["ts"] as? NSNumber)?.intValue }
        let floodSeconds = Double((floodTimes.max() ?? 0) - (floodTimes.min() ?? 0)) / 1000
        let passedFlood = 60 - rejects.count
        #expect(passedFlood >= 21 && Double(passedFlood) <= 21 + 2 * floodSeconds + 1,
                "\(passedFlood) of 60 flood sessions passed in \(floodSeconds) s")

        let out = try Self.objects(filtered.stdout)
        let byAddress = Dictionary(grouping: out) { $0["addr"] as? String ?? "" }
        #expect(byAddress[Client.device]?.count == 3)
        #expect(byAddress[Client.device]?.allSatisfy { Self.flags($0).isEmpty } == true, "a normal device session was tagged: \(byAddress[Client.device] ?? [])")
        #expect(byAddress[Client.oldTLS].map { $0.map(Self.flags) } == [["old_tls", "odd_cipher"]])
        let flood = byAddress[Client.flooder] ?? []
        #expect(flood.allSatisfy { Self.flags($0).isSuperset(of: ["refused", "tiny"]) })
        #expect(flood.suffix(5).allSatisfy { Self.flags($0).isSuperset(of: ["scan", "conn_rate"]) }, "\(flood.suffix(5).map(Self.flags))")
        let scan = byAddress[Client.scanner] ?? []
        #expect(scan.count == 10)
        #expect(scan.prefix(6).allSatisfy { !Self.flags($0).contains("scan") }, "six sessions a minute are not yet a scan")
        #expect(scan.suffix(3).allSatisfy { Self.flags($0).isSuperset(of: ["refused", "tiny", "scan"]) }, "\(scan.map(Self.flags))")
    }

    @Test func wearScoreKeyedByAddressScoresTheFloodAndBalances() throws {
        let run = try Self.run.get()
        let filtered = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--rules", Self.rules], input: run.log)
        let scratch = try TemporaryDirectory()
        let rejectsPath = scratch.file("rejects").path
        let scored = try ProcessRun.run(try Binaries.url(of: "wear-score"),
                                        ["--key", "addr", "--warmup", "16", "--feature", "bytes_in", "--feature", "bytes_out",
                                         "--feature", "session_time", "--feature", "dt", "--no-stuck", "session_time",
                                         "--workers", "1", "--ordered", "--rejects", rejectsPath], input: filtered.stdout)
        #expect(scored.status == 0, "\(scored.stderrText)")
        let rejects = (try? Data(contentsOf: URL(fileURLWithPath: rejectsPath))) ?? Data()
        let summary = expectBalancedLedger("wear-score", stdout: scored.stdout, stderr: scored.stderrText, rejects: rejects)
        #expect(summary?.rejected == 0, "\(String(decoding: rejects, as: UTF8.self))")
        #expect(summary?.recordsIn == lineCount(filtered.stdout))
        let out = try Self.objects(scored.stdout)
        let byAddress = Dictionary(grouping: out) { $0["addr"] as? String ?? "" }
        // An address with fewer sessions than --warmup is still warming up: no score.
        #expect(byAddress[Client.device]?.allSatisfy { $0["score"] is NSNull } == true)
        // The flood's sessions after its warm-up carry four tags each: evidence far past the alert threshold.
        let floodScores = (byAddress[Client.flooder] ?? []).compactMap { ($0["score"] as? NSNumber)?.doubleValue }
        #expect(!floodScores.isEmpty, "the flooding address never got past --warmup")
        #expect(floodScores.allSatisfy { $0 >= 0.9999 }, "\(floodScores)")
    }

    @Test func theTrafficRulesPassTheirTestFile() throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear-filter"),
                                        ["--test", Self.repository.appendingPathComponent("pipelines/traffic.test").path])
        #expect(result.status == 0, "\(result.stdoutText)\(result.stderrText)")
    }
}

/// A unix stream socket that accepts connections and reads them to the end
/// (the upstream nginx proxies to), on its own thread until `stop()`.
final class UnixSink: @unchecked Sendable {
    private let listener: Int32
    private let stopPipe: [Int32]
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)

    init(path: String) throws {
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw TestSupportError("socket(AF_UNIX): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard bound == 0, chmod(path, 0o666) == 0, listen(listener, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(listener)
            throw TestSupportError("sink \(path): \(reason)")
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { close(listener); throw TestSupportError("pipe: \(String(cString: strerror(errno)))") }
        self.listener = listener
        stopPipe = fds
        let wake = fds[0], finished = self.finished
        thread = Thread {
            var clients: [Int32] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                var polled = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0), pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
                    + clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                guard poll(&polled, nfds_t(polled.count), 1000) >= 0 || errno == EINTR else { break }
                if polled[0].revents != 0 { break }
                if polled[1].revents & Int16(POLLIN) != 0 {
                    let client = accept(listener, nil, nil)
                    if client >= 0 { clients.append(client) }
                }
                for entry in polled.dropFirst(2) where entry.revents != 0 {
                    if read(entry.fd, &buffer, buffer.count) <= 0 {
                        close(entry.fd)
                        clients.removeAll { $0 == entry.fd }
                    }
                }
            }
            clients.forEach { close($0) }
            finished.signal()
        }
        thread.start()
    }

    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        _ = finished.wait(timeout: .now() + 10)
        close(listener)
        close(stopPipe[0])
        close(stopPipe[1])
    }
}

extension sockaddr_in {
    init(loopback address: String, port: UInt16) {
        self.init()
        sin_family = sa_family_t(AF_INET)
        sin_port = port.bigEndian
        inet_pton(AF_INET, address, &sin_addr)
    }
}
