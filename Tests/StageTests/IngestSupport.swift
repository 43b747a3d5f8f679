import Foundation
import Glibc
import Testing
import WearTesting

// The real parts of the ingest path for the end-to-end and scale-out tests:
// Debian's nginx with the shipped pipelines/nginx config, certificates made
// with openssl, systemd-socket-activate standing in for PID 1 on the ingest
// socket, one wear-decrypt per connection writing into a FIFO, the
// long-running stages reading it, and `openssl s_client` as the devices.
// Every process runs in its own process group and is killed with it.

/// The repository's root, found relative to this source file.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A tool the ingest tests need (nginx, systemd-socket-activate, openssl), or why it is missing.
func requiredTool(_ name: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let candidate = folder + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw TestSupportError("\(name) not found: the ingest tests need Debian's nginx, libnginx-mod-stream, systemd and openssl "
                           + "(scripts/deps.sh installs them)")
}

/// Single-quotes `text` for /bin/sh.
func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// A child process of any executable, in a process group of its own (its
/// children too: nginx's workers, systemd-socket-activate's wear-decrypts,
/// a shell pipeline's stages), output appended to files. Killed with its
/// group when released, so a failing test leaves nothing running.
final class GroupProcess: @unchecked Sendable {
    enum Input {
        case null
        /// A pipe this object writes (`write`, `closeInput`).
        case pipe
        case descriptor(Int32)
    }

    let name: String
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private var inputFD: Int32 = -1
    private var exitStatus: Int32?
    private let lock = NSLock()

    init(_ executable: String, _ arguments: [String], input: Input = .null, stdout: String, stderr: String,
         environment: [String: String] = [:]) throws {
        signal(SIGPIPE, SIG_IGN) // writing to a client that went away is an EPIPE here, not death
        name = URL(fileURLWithPath: executable).lastPathComponent
        stdoutPath = stdout
        stderrPath = stderr
        let out = open(stdout, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        let err = open(stderr, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        var fds: [Int32] = [-1, -1]
        let childInput: Int32
        switch input {
        case .null: childInput = open("/dev/null", O_RDONLY | O_CLOEXEC)
        case .descriptor(let fd): childInput = fd
        case .pipe:
            guard pipe(&fds) == 0 else { throw TestSupportError("pipe: \(String(cString: strerror(errno)))") }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            childInput = fds[0]
        }
        defer {
            close(out)
            close(err)
            if case .descriptor = input {} else { close(childInput) }
        }
        guard out >= 0, err >= 0, childInput >= 0 else { throw TestSupportError("cannot open \(stdout) or \(stderr)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childInput, 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1)
        posix_spawn_file_actions_adddup2(&actions, err, 2)
        let child: pid_t
        do {
            child = try ChildSpawn.spawn(executable, arguments, actions: &actions, newProcessGroup: true,
                                         environment: environment)
        } catch {
            if case .pipe = input { close(fds[1]) }
            throw error
        }
        pid = child
        if case .pipe = input { inputFD = fds[1] }
    }

    /// Writes all of `data` to the child's stdin; false if it is closed or the child stopped reading.
    @discardableResult
    func write(_ data: Data) -> Bool {
        guard inputFD >= 0 else { return false }
        return data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(inputFD, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    func closeInput() {
        if inputFD >= 0 { close(inputFD) }
        inputFD = -1
    }

    /// The exit status (128 + signal when killed by one), nil while it runs.
    var status: Int32? {
        lock.withLock {
            if exitStatus == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    let signal = raw & 0x7F
                    exitStatus = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
                }
            }
            return exitStatus
        }
    }

    var isRunning: Bool { status == nil }

    /// Waits for the exit; nil if it still runs after `limit` seconds.
    func waitForExit(upTo limit: TimeInterval = 60) -> Int32? {
        _ = Polling.until(upTo: limit) { status != nil }
        return status
    }

    /// Sends `number` to the whole group.
    func signalGroup(_ number: Int32) { _ = Glibc.kill(-pid, number) }

    /// SIGKILL to the group, and the reap.
    func kill() {
        closeInput()
        signalGroup(SIGKILL)
        _ = waitForExit(upTo: 10)
    }

    var stdoutText: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    deinit { kill() }
}

/// A CA, a server certificate for 127.0.0.1 / localhost, one client
/// certificate per device (CN = device id) signed by the CA, and a rogue
/// device certificate (self-signed, CN of a real device). EC P-256 keys:
/// made once per test process, a few seconds for 24 devices.
final class IngestCertificates: Sendable {
    let directory: TemporaryDirectory
    let devices: [String]

    var ca: String { directory.file("devices-ca.crt").path }
    var serverCertificate: String { directory.file("server.crt").path }
    var serverKey: String { directory.file("server.key").path }
    func certificate(_ device: String) -> String { directory.file("\(device).crt").path }
    func key(_ device: String) -> String { directory.file("\(device).key").path }
    /// Self-signed, CN=wr-000001: presents a real device's name without the CA's signature.
    var rogueCertificate: String { directory.file("rogue.crt").path }
    var rogueKey: String { directory.file("rogue.key").path }

    /// The sim's device names, wr-000001 ... wr-<count>.
    static func deviceNames(_ count: Int) -> [String] { (1...count).map { String(format: "wr-%06d", $0) } }

    private init(devices count: Int) throws {
        directory = try TemporaryDirectory()
        devices = Self.deviceNames(count)
        let openssl = try requiredTool("openssl")
        let script = """
            set -e
            cd \(shellQuoted(directory.url.path))
            o=\(shellQuoted(openssl))
            ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext
            printf 'extendedKeyUsage=clientAuth\\n' > client.ext
            "$o" req -x509 $ec -keyout devices-ca.key -out devices-ca.crt -days 2 -subj "/CN=wear test devices CA"
            "$o" req -new $ec -keyout server.key -out server.csr -subj "/CN=localhost"
            "$o" x509 -req -in server.csr -CA devices-ca.crt -CAkey devices-ca.key -set_serial 1 -days 2 -extfile server.ext -out server.crt
            serial=100
            for device in \(devices.joined(separator: " ")); do
                serial=$((serial + 1))
                "$o" req -new $ec -keyout "$device.key" -out "$device.csr" -subj "/CN=$device"
                "$o" x509 -req -in "$device.csr" -CA devices-ca.crt -CAkey devices-ca.key -set_serial "$serial" -days 2 \\
                    -extfile client.ext -out "$device.crt"
            done
            "$o" req -x509 $ec -keyout rogue.key -out rogue.crt -days 2 -subj "/CN=\(devices[0])"
            """
        let result = try ProcessRun.shell(script)
        guard result.status == 0 else { throw TestSupportError("making certificates failed:\n\(result.stderrText)") }
    }

    /// The certificates of 24 devices, made by the first test that asks.
    static func shared() throws -> IngestCertificates { try made.get() }
    private static let made = Result { try IngestCertificates(devices: 24) }
}

/// The shipped nginx config, with the paths and ports a test needs: each
/// `from` must be in the file (a renamed path fails the test rather than
/// silently testing something else).
func shippedNginxFile(_ name: String, substituting substitutions: [(from: String, to: String)]) throws -> String {
    let path = repositoryRoot.appendingPathComponent("pipelines/nginx/\(name)").path
    var text = try String(contentsOfFile: path, encoding: .utf8)
    for (from, to) in substitutions {
        guard text.contains(from) else {
            throw TestSupportError("pipelines/nginx/\(name) no longer contains \"\(from)\": update the ingest tests with it")
        }
        text = text.replacingOccurrences(of: from, with: to)
    }
    return text
}

/// A TCP port on 127.0.0.1 nothing listens on (bound and released).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestSupportError("no free port: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// True when something listens on 127.0.0.1:`port` (read from /proc/net/tcp: no connection is made).
func isListening(port: Int) -> Bool {
    guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
    let local = String(format: "0100007F:%04X", port)
    return table.split(separator: "\n").contains { line in
        let fields = line.split(separator: " ")
        return fields.count > 3 && fields[1] == local && fields[3] == "0A"
    }
}

/// Debian's nginx with the stream module, not daemonised, on a loopback
/// port, running `streamConfig` (made from pipelines/nginx/wear-stream.conf)
/// with pipelines/nginx/wear-log.conf's log format.
final class NginxFront {
    let port: Int
    let directory: URL
    let process: GroupProcess
    var accessLogPath: String { directory.appendingPathComponent("wear-stream.ndjson").path }

    static let streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

    /// The shipped wear-stream.conf with this test's certificates, logs,
    /// port and `proxyPass` target (`unix:PATH`, or an upstream's name).
    static func streamConfig(port: Int, certificates: IngestCertificates, logs: URL, proxyPass: String,
                             extra: [(from: String, to: String)] = []) throws -> String {
        try shippedNginxFile("wear-stream.conf", substituting: [
            ("listen 8443 ssl;", "listen 127.0.0.1:\(port) ssl;"),
            ("/etc/wear/tls/server.crt", certificates.serverCertificate),
            ("/etc/wear/tls/server.key", certificates.serverKey),
            ("/etc/wear/tls/devices-ca.crt", certificates.ca),
            ("/var/log/nginx/", logs.path + "/"),
            ("proxy_pass unix:/run/wear/ingest.sock;", "proxy_pass \(proxyPass);"),
        ] + extra)
    }

    /// Starts nginx; `includes` are written next to its config and included
    /// in the stream block after wear-log.conf (an upstream, the server).
    init(port: Int, directory: URL, includes: [(name: String, text: String)]) throws {
        self.port = port
        self.directory = directory
        let nginx = try requiredTool("nginx")
        guard FileManager.default.fileExists(atPath: Self.streamModule) else {
            throw TestSupportError("\(Self.streamModule) is missing: install libnginx-mod-stream (scripts/deps.sh)")
        }
        var streamIncludes = ["    include \(repositoryRoot.appendingPathComponent("pipelines/nginx/wear-log.conf").path);"]
        for (name, text) in includes {
            let path = directory.appendingPathComponent(name)
            try text.write(to: path, atomically: true, encoding: .utf8)
            streamIncludes.append("    include \(path.path);")
        }
        let main = """
            load_module \(Self.streamModule);
            daemon off;
            worker_processes 1;
            pid \(directory.appendingPathComponent("nginx.pid").path);
            error_log \(directory.appendingPathComponent("nginx.error.log").path) notice;
            events { worker_connections 1024; }
            stream {
            \(streamIncludes.joined(separator: "\n"))
            }
            """
        let conf = directory.appendingPathComponent("nginx.conf")
        try main.write(to: conf, atomically: true, encoding: .utf8)
        process = try GroupProcess(nginx, ["-p", directory.path, "-c", conf.path],
                                   stdout: directory.appendingPathComponent("nginx.out").path,
                                   stderr: directory.appendingPathComponent("nginx.err").path)
        let up = Polling.until(upTo: 30) { isListening(port: port) || !process.isRunning }
        guard up, process.isRunning else {
            let log = (try? String(contentsOf: directory.appendingPathComponent("nginx.error.log"), encoding: .utf8)) ?? ""
            throw TestSupportError("nginx did not start on 127.0.0.1:\(port):\n\(process.stderrText)\n\(log)")
        }
    }

    /// The access log, one JSON object per session.
    var sessions: [[String: Any]] {
        let text = (try? String(contentsOfFile: accessLogPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// SIGQUIT (graceful), then the group is killed.
    func stop() {
        process.signalGroup(SIGQUIT)
        if process.waitForExit(upTo: 10) == nil { process.kill() }
    }
}

/// One backend host: systemd-socket-activate on a unix socket (PID 1's
/// Accept=yes), one `wear-decrypt --proxy-protocol --atomic-lines` per
/// connection appending to a FIFO, and the long-running stages reading the
/// FIFO in one shell pipeline. The test holds a write end of the FIFO open,
/// as systemd's ListenFIFO= does, so the stages see no end of input between
/// connections; `finish` closes it once every connection is done.
final class IngestBackend {
    enum Chain {
        /// wear-filter | wear-score | wear-alert --sink stdout
        case full
        /// wear-filter | wear-score (the stateful stages, no posts)
        case stateful
    }

    let directory: URL
    let socketPath: String
    let fifoPath: String
    let chain: Chain
    private(set) var activator: GroupProcess?
    /// True once `stopIngest` killed the activator and its wear-decrypts (they wrote no summaries).
    private(set) var ingestStopped = false
    let stages: GroupProcess
    private var fifoWriter: Int32 = -1

    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    init(directory: URL, masterKey: String, pseudonymKey: String, chain: Chain) throws {
        self.directory = directory
        self.chain = chain
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("ingest.sock").path
        fifoPath = directory.appendingPathComponent("decrypted.fifo").path
        guard mkfifo(fifoPath, 0o600) == 0 else { throw TestSupportError("mkfifo \(fifoPath): \(String(cString: strerror(errno)))") }
        let q = shellQuoted
        let file = { (name: String) in directory.appendingPathComponent(name).path }
        let fifoPath = self.fifoPath
        let rules = repositoryRoot.appendingPathComponent("pipelines/rules/default.rules").path
        var pipeline = "\(q(try Binaries.url(of: "wear-filter").path)) --rules \(q(rules)) --input \(q(fifoPath))"
            + " --rejects \(q(file("filter.rejects"))) 2> \(q(file("filter.err")))"
            + " | tee \(q(file("filtered.ndjson")))"
            + " | \(q(try Binaries.url(of: "wear-score").path)) --workers 1 --rejects \(q(file("score.rejects"))) 2> \(q(file("score.err")))"
        if chain == .full {
            pipeline += " | tee \(q(file("scored.ndjson")))"
                + " | \(q(try Binaries.url(of: "wear-alert").path)) --sink stdout --pseudonym-key \(q(pseudonymKey))"
                + " --rejects \(q(file("alert.rejects"))) 2> \(q(file("alert.err")))"
        }
        stages = try GroupProcess("/bin/bash", ["-c", "set -o pipefail; " + pipeline],
                                  stdout: file(chain == .full ? "receipts.ndjson" : "scored.ndjson"), stderr: file("stages.err"))
        // wear-filter opens the FIFO without waiting for a writer; hold one until `finish`.
        var writer: Int32 = -1
        let opened = Polling.until(upTo: 30) {
            writer = open(fifoPath, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            return writer >= 0 || errno != ENXIO
        }
        guard opened, writer >= 0 else { throw TestSupportError("wear-filter never opened \(fifoPath):\n\(stages.stderrText)") }
        fifoWriter = writer
        try startActivator(masterKey: masterKey)
    }

    private func startActivator(masterKey: String) throws {
        let q = shellQuoted
        // systemd's `StandardOutput=file:/run/wear/decrypted.fifo`: stdout into the FIFO (with
        // --inetd, stdin and stdout are the connection); one rejects file per process.
        let decrypt = "exec \(q(try Binaries.url(of: "wear-decrypt").path)) --proxy-protocol --atomic-lines"
            + " --master-key \(q(masterKey)) --rejects \(q(directory.path))/decrypt-$$.rejects >> \(q(fifoPath))"
        activator = try GroupProcess(try requiredTool("systemd-socket-activate"),
                                     ["--accept", "--inetd", "-l", socketPath, "/bin/sh", "-c", decrypt],
                                     stdout: file("activator.out"), stderr: file("activator.err"))
        // The socket belongs to root; nginx's workers (nobody) connect as the
        // unit's SocketGroup=www-data / SocketMode=0660 would let them.
        guard Polling.until(upTo: 30, { FileManager.default.fileExists(atPath: socketPath) }) else {
            throw TestSupportError("systemd-socket-activate did not listen on \(socketPath):\n\(activator?.stderrText ?? "")")
        }
        chmod(socketPath, 0o666)
    }

    /// What systemd-socket-activate and the wear-decrypts it spawned wrote on stderr.
    var activatorLog: String { (try? String(contentsOfFile: file("activator.err"), encoding: .utf8)) ?? "" }
    /// Connections accepted so far (one wear-decrypt each).
    var connectionsAccepted: Int { activatorLog.components(separatedBy: "\nSpawned ").count - 1 }
    /// wear-decrypts that exited.
    var connectionsDone: Int { activatorLog.components(separatedBy: "\nChild ").count - 1 }
    /// Each wear-decrypt's summary line, parsed.
    var decryptSummaries: [LedgerSummary] {
        activatorLog.split(separator: "\n").filter { $0.hasPrefix("wear-decrypt: info: in=") }.compactMap {
            try? LedgerSummary.parse(stderr: String($0), stage: "wear-decrypt")
        }
    }

    /// The host goes down: the activator and every wear-decrypt it runs are
    /// killed, and the socket refuses connections from now on.
    func stopIngest() {
        ingestStopped = true
        activator?.kill()
    }

    /// Waits for every accepted connection's wear-decrypt to exit, closes the
    /// FIFO's held write end, and waits for the stages to drain and exit.
    /// Returns the pipeline's exit status (nil: it hung and was killed).
    func finish(upTo limit: TimeInterval = 60) -> Int32? {
        if !ingestStopped {
            let idle = Polling.until(upTo: limit) { connectionsDone == connectionsAccepted }
            if !idle { Issue.record("wear-decrypt instances still running:\n\(activatorLog)") }
        }
        activator?.kill()
        if fifoWriter >= 0 { close(fifoWriter) }
        fifoWriter = -1
        let status = stages.waitForExit(upTo: limit)
        if status == nil { stages.kill() }
        return status
    }

    /// The NDJSON objects in one of the backend's files.
    func records(_ name: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func stageStderr(_ stage: String) -> String {
        (try? String(contentsOfFile: file("\(stage.replacingOccurrences(of: "wear-", with: "")).err"), encoding: .utf8)) ?? ""
    }

    deinit {
        if fifoWriter >= 0 { close(fifoWriter) }
        activator?.kill()
        stages.kill()
    }
}

/// A device: `openssl s_client` with its client certificate (or none, or
/// the rogue one), TLS 1.3, verifying the server; what the test writes to it
/// goes over the connection; closing its input ends the connection.
final class DeviceClient {
    enum Identity { case device(String), none, rogue }

    let identity: Identity
    let process: GroupProcess

    init(_ identity: Identity, port: Int, certificates: IngestCertificates, directory: URL, tag: String) throws {
        self.identity = identity
        var arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_3", "-servername", "localhost",
                         "-CAfile", certificates.ca, "-verify_return_error", "-quiet", "-no_ign_eof", "-nocommands"]
        switch identity {
        case .device(let name): arguments += ["-cert", certificates.certificate(name), "-key", certificates.key(name)]
        case .rogue: arguments += ["-cert", certificates.rogueCertificate, "-key", certificates.rogueKey]
        case .none: break
        }
        process = try GroupProcess(try requiredTool("openssl"), arguments, input: .pipe,
                                   stdout: directory.appendingPathComponent("client-\(tag).out").path,
                                   stderr: directory.appendingPathComponent("client-\(tag).err").path)
    }

    @discardableResult
    func send(_ lines: [String]) -> Bool {
        lines.isEmpty || process.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Ends the connection (stdin's end: s_client sends close_notify) and waits for the exit status.
    func finish(upTo limit: TimeInterval = 60) -> Int32? {
        process.closeInput()
        return process.waitForExit(upTo: limit)
    }
}

/// The device id (`kid`) of a sealed envelope line, or nil if its header does not decode.
func envelopeKid(_ line: String) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let token = object["jwe"] as? String, let encoded = token.split(separator: ".", omittingEmptySubsequences: false).first
    else { return nil }
    var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    guard let header = Data(base64Encoded: base64),
          let fields = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else { return nil }
    return fields["kid"] as? String
}

/// Makes the keys the chain needs (`wear keys new`) in `folder`: the fleet's master key and wear-alert's pseudonym key.
func makeIngestKeys(in folder: URL) throws -> (master: String, pseudonym: String) {
    let wear = try Binaries.url(of: "wear")
    let master = folder.appendingPathComponent("master.key").path, pseudonym = folder.appendingPathComponent("pseudonym.key").path
    for path in [master, pseudonym] {
        let made = try ProcessRun.run(wear, ["keys", "new", "--out", path])
        guard made.status == 0 else { throw TestSupportError("wear keys new: \(made.stderrText)") }
    }
    return (master, pseudonym)
}

/// `wear sim` envelopes grouped by device (`kid`); lines whose header does not decode go to the first device.
func simulatedEnvelopes(_ arguments: [String], masterKey: String, devices: [String]) throws -> [String: [String]] {
    let result = try ProcessRun.run(try Binaries.url(of: "wear"), ["sim"] + arguments + ["--master-key", masterKey])
    guard result.status == 0 else { throw TestSupportError("wear sim: \(result.stderrText)") }
    var byDevice: [String: [String]] = [:]
    for line in result.stdoutLines where !line.isEmpty {
        let kid = envelopeKid(line).flatMap { devices.contains($0) ? $0 : nil } ?? devices[0]
        byDevice[kid, default: []].append(line)
    }
    return byDevice
}
