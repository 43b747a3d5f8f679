import Foundation
import Glibc
import Testing
import WearTesting
import WearTestingHTTP

/// pipelines/systemd, checked the way systemd itself would: every unit
/// through `systemd-analyze verify` in a root laid out as
/// pipelines/README.md installs it (the real built binaries in
/// /usr/local/bin, the helpers in /usr/local/libexec/wear, the units in
/// /etc/systemd/system), every service's sandbox through `systemd-analyze
/// security --offline=true` against the issue's bounds, and every option of
/// every ExecStart= against the binary's own --help.
@Suite struct SystemdUnitTests {
    /// The repository's pipelines/systemd.
    static let unitFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pipelines/systemd")

    /// The services, and the highest exposure each may have: 1.5 without
    /// network, 2.5 for wear-alert (it talks to api.x.com).
    static let exposureBounds: [String: Double] = [
        "wear-ingest@.service": 1.5,
        "wear-filter.service": 1.5,
        "wear-score.service": 1.5,
        "wear-alert.service": 2.5,
    ]
    static let otherUnits = ["wear-ingest.socket", "wear-decrypted.socket", "wear-filtered.socket",
                             "wear-scored.socket", "wear.target"]
    static let helpers = ["wear-fifo-drained", "wear-x-credentials"]
    static let stageBinaries = ["wear-decrypt", "wear-filter", "wear-score", "wear-alert"]

    /// The temporary root, made once for the suite (a copy of the host's
    /// system units, so that sockets.target & co. resolve; the binaries).
    static let installed: Result<InstalledRoot, TestSupportError> = Result { try InstalledRoot() }
        .mapError { $0 as? TestSupportError ?? TestSupportError("\($0)") }

    final class InstalledRoot: Sendable {
        let scratch: TemporaryDirectory
        var root: URL { scratch.url }
        var unitDirectory: URL { root.appendingPathComponent("etc/systemd/system") }

        init() throws {
            scratch = try TemporaryDirectory()
            _ = try SystemdUnitTests.tool("systemd-analyze")
            let files = SystemdUnitTests.exposureBounds.keys.sorted() + SystemdUnitTests.otherUnits
            var script = "set -e; r='\(scratch.url.path)'; u='\(SystemdUnitTests.unitFolder.path)'\n"
            script += "mkdir -p \"$r/usr/local/bin\" \"$r/usr/local/libexec/wear\" \"$r/bin\" \"$r/etc/systemd/system\" \"$r/usr/lib/systemd\"\n"
            script += "cp -a /lib/systemd/system \"$r/usr/lib/systemd/\"\n"
            script += "cp /bin/kill /bin/sh \"$r/bin/\"\n"
            for binary in SystemdUnitTests.stageBinaries {
                let built = try Binaries.url(of: binary).path
                // A hard link when the build is on the same file system, else a copy.
                script += "ln '\(built)' \"$r/usr/local/bin/\(binary)\" 2>/dev/null || cp '\(built)' \"$r/usr/local/bin/\(binary)\"\n"
            }
            for helper in SystemdUnitTests.helpers {
                script += "install -m 0755 \"$u/\(helper)\" \"$r/usr/local/libexec/wear/\(helper)\"\n"
            }
            for unit in files { script += "install -m 0644 \"$u/\(unit)\" \"$r/etc/systemd/system/\(unit)\"\n" }
            let result = try ProcessRun.shell(script)
            guard result.status == 0 else { throw TestSupportError("could not lay out the unit root: \(result.stderrText)") }
        }
    }

    /// A tool CI installs (scripts/deps.sh): missing is a failure that says so.
    static func tool(_ name: String) throws -> URL {
        for folder in ["/usr/bin", "/bin", "/usr/sbin"] {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw TestSupportError("\(name) not found: install Debian's systemd package (scripts/deps.sh does)")
    }

    @Test func theUnitFolderHoldsExactlyTheUnitsThisSuiteChecks() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.unitFolder.path)
            .filter { [".service", ".socket", ".target"].contains(where: $0.hasSuffix) }
        #expect(Set(names) == Set(Self.exposureBounds.keys).union(Self.otherUnits),
                "a unit without an exposure bound or a verify run: add it to SystemdUnitTests")
    }

    @Test func everyUnitVerifiesWithoutAWarning() throws {
        let installed = try Self.installed.get()
        let units = (Self.exposureBounds.keys.sorted() + Self.otherUnits).map { installed.unitDirectory.appendingPathComponent($0).path }
        let result = try ProcessRun.run(try Self.tool("systemd-analyze"), ["verify", "--root=\(installed.root.path)"] + units)
        #expect(result.status == 0, "systemd-analyze verify failed:\n\(result.stderrText)")
        // Unknown keys, bad values and missing commands are only warnings for verify: none is allowed.
        #expect(result.stderrText.isEmpty && result.stdoutText.isEmpty, "systemd-analyze verify said:\n\(result.stderrText)\(result.stdoutText)")
    }

    /// The control: the same verify run notices a mistyped key and a command that is not installed.
    @Test func verifyReportsAMistypedKeyAndAMissingCommand() throws {
        let installed = try Self.installed.get()
        var text = try String(contentsOf: Self.unitFolder.appendingPathComponent("wear-score.service"), encoding: .utf8)
        text = text.replacingOccurrences(of: "/usr/local/bin/wear-score", with: "/usr/local/bin/wear-scorer")
        text = text.replacingOccurrences(of: "ProtectClock=yes", with: "ProtectClocks=yes")
        let broken = installed.unitDirectory.appendingPathComponent("wear-broken.service")
        try text.write(to: broken, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: broken) }
        let result = try ProcessRun.run(try Self.tool("systemd-analyze"), ["verify", "--root=\(installed.root.path)", broken.path])
        #expect(result.status != 0)
        #expect(result.stderrText.contains("/usr/local/bin/wear-scorer is not executable"), "\(result.stderrText)")
        #expect(result.stderrText.contains("Unknown key 'ProtectClocks'") || result.stderrText.contains("Unknown key name 'ProtectClocks'"),
                "\(result.stderrText)")
    }

    /// The number after "Overall exposure level for UNIT:".
    static func exposure(of unit: String, in installed: InstalledRoot) throws -> (Double, String) {
        let path = installed.unitDirectory.appendingPathComponent(unit).path
        let result = try ProcessRun.run(try tool("systemd-analyze"),
                                        ["security", "--offline=true", "--root=\(installed.root.path)", "--no-pager", path])
        let report = result.stdoutText + result.stderrText
        guard let line = report.split(separator: "\n").first(where: { $0.contains("Overall exposure level for") }),
              let colon = line.lastIndex(of: ":"),
              let value = Double(line[line.index(after: colon)...].split(separator: " ").first ?? "") else {
            throw TestSupportError("no exposure level for \(unit) in:\n\(report)")
        }
        return (value, report)
    }

    @Test(arguments: exposureBounds.keys.sorted())
    func theSandboxScoresWithinItsBound(_ unit: String) throws {
        let installed = try Self.installed.get()
        let (exposure, report) = try Self.exposure(of: unit, in: installed)
        let bound = try #require(Self.exposureBounds[unit])
        #expect(exposure <= bound, "\(unit): exposure \(exposure) > \(bound)\n\(report)")
        // The settings the issue names, each present in the unit as written.
        let text = try String(contentsOf: Self.unitFolder.appendingPathComponent(unit), encoding: .utf8)
        for setting in ["DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "MemoryDenyWriteExecute=yes",
                        "RestrictAddressFamilies=", "SystemCallFilter=@system-service"] {
            #expect(text.contains("\n\(setting)"), "\(unit) lacks \(setting)")
        }
        #expect(text.contains("\nPrivateNetwork=yes") == (unit != "wear-alert.service"),
                "PrivateNetwork=yes on every stage but wear-alert")
    }

    /// The control for the exposure parser: a service without a sandbox scores high.
    @Test func anUnsandboxedServiceScoresHigh() throws {
        let installed = try Self.installed.get()
        let plain = installed.unitDirectory.appendingPathComponent("wear-plain.service")
        try "[Service]\nExecStart=/usr/local/bin/wear-filter --check /etc/wear/filter.rules\n"
            .write(to: plain, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: plain) }
        let (exposure, _) = try Self.exposure(of: "wear-plain.service", in: installed)
        #expect(exposure > 9)
    }

    /// ExecStart= of a unit: continuation lines joined, split into words.
    static func execStart(of unit: String) throws -> [String] {
        let text = try String(contentsOf: unitFolder.appendingPathComponent(unit), encoding: .utf8)
        var logical: [String] = []
        var current = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasSuffix("\\") { current += line.dropLast() + " "; continue }
            logical.append(current + line)
            current = ""
        }
        let start = try #require(logical.first { $0.hasPrefix("ExecStart=") }, "\(unit) has no ExecStart=")
        return start.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
    }

    @Test(arguments: exposureBounds.keys.sorted())
    func everyOptionOfExecStartIsOneTheBinaryTakes(_ unit: String) throws {
        let words = try Self.execStart(of: unit)
        let binaryPath = try #require(words.first { $0.hasPrefix("/usr/local/bin/") })
        let binary = String(binaryPath.dropFirst("/usr/local/bin/".count))
        let help = try ProcessRun.run(try Binaries.url(of: binary), ["--help"]).stdoutText
        let options = words.filter { $0.hasPrefix("--") }
        #expect(!options.isEmpty)
        for option in options {
            let known = help.contains(option + " ") || help.contains(option + "\n") || help.contains(option + ",")
            #expect(known, "\(unit): \(binary) --help does not list \(option)")
        }
    }

    @Test func tmpfilesCreatesTheReceiptsDirectoryAndTheMetricsLinks() throws {
        let scratch = try TemporaryDirectory()
        let conf = Self.unitFolder.appendingPathComponent("wear.tmpfiles").path
        let result = try ProcessRun.run(try Self.tool("systemd-tmpfiles"), ["--root=\(scratch.url.path)", "--create", conf])
        #expect(result.status == 0, "\(result.stderrText)")
        var info = stat()
        #expect(stat(scratch.file("var/log/wear").path, &info) == 0 && info.st_mode & 0o7777 == 0o700)
        for stage in ["wear-filter", "wear-score", "wear-alert"] {
            let link = scratch.file("var/lib/prometheus/node-exporter/\(stage).prom").path
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link)
            #expect(target == "/run/\(stage)/\(stage).prom", "\(link) -> \(target ?? "nothing")")
            // ...which is where the unit writes its metrics.
            let words = try Self.execStart(of: "\(stage).service")
            #expect(words.contains("/run/\(stage)/\(stage).prom"))
        }
    }

    @Test func fifoDrainedWaitsForTheReaderAndGivesUpAtItsBound() throws {
        let scratch = try TemporaryDirectory()
        let fifo = try makeFIFO(in: scratch)
        let helper = Self.unitFolder.appendingPathComponent("wear-fifo-drained")
        let holder = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)    // as the socket unit holds it
        try #require(holder >= 0)
        defer { close(holder) }
        #expect(try ProcessRun.run(helper, [fifo, "5"]).status == 0, "an empty FIFO is drained")
        writeAll(holder, "{\"a\":1}\n")
        let started = Date()
        let gaveUp = try ProcessRun.run(helper, [fifo, "1"])
        #expect(gaveUp.status == 0)
        #expect(gaveUp.stderrText.contains("still holds 8 bytes after 1s"), "\(gaveUp.stderrText)")
        #expect(Date().timeIntervalSince(started) >= 0.9)
        // A reader that takes the bytes while the helper waits lets it return at once.
        let reader = Thread {
            usleep(300_000)
            var buffer = [UInt8](repeating: 0, count: 64)
            _ = read(holder, &buffer, buffer.count)
        }
        reader.start()
        let waited = Date()
        let drained = try ProcessRun.run(helper, [fifo, "20"])
        #expect(drained.status == 0 && drained.stderrText.isEmpty, "\(drained.stderrText)")
        #expect(Date().timeIntervalSince(waited) < 10)
        #expect(try ProcessRun.run(helper, [scratch.file("records").path]).status == 0, "no FIFO: nothing to wait for")
        #expect(try ProcessRun.run(helper, [fifo, "soon"]).status != 0)
    }

    @Test func xCredentialsAreExportedFromTheCredentialsDirectoryOnly() throws {
        let scratch = try TemporaryDirectory()
        try "token-1\n".write(to: scratch.file("x_X_BEARER_TOKEN"), atomically: true, encoding: .utf8)
        try "key 2".write(to: scratch.file("x_X_API_KEY"), atomically: true, encoding: .utf8)
        let helper = Self.unitFolder.appendingPathComponent("wear-x-credentials")
        let result = try ProcessRun.run(helper, ["/bin/sh", "-c", "printf '%s|%s|%s' \"$X_BEARER_TOKEN\" \"$X_API_KEY\" \"${X_API_SECRET-unset}\""],
                                        environment: ["CREDENTIALS_DIRECTORY": scratch.url.path])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "token-1|key 2|unset")
        let outside = try ProcessRun.run(helper, ["/bin/true"], environment: ["CREDENTIALS_DIRECTORY": ""])
        #expect(outside.status != 0 && outside.stderrText.contains("CREDENTIALS_DIRECTORY is not set"))
    }

    /// An ExecStart= command line as it would run on an installed host, with
    /// the host's paths mapped into `scratch`: the binaries to the built ones,
    /// the helpers to pipelines/systemd, /etc/wear/filter.rules to the default
    /// rules, ${CREDENTIALS_DIRECTORY} to `credentials`, and every other
    /// absolute path (state, logs, runtime files) under `scratch`, its folder
    /// made as systemd makes StateDirectory= & co.
    static func mappedExecStart(of unit: String, scratch: TemporaryDirectory, credentials: URL) throws -> [String] {
        let repository = unitFolder.deletingLastPathComponent().deletingLastPathComponent()
        return try execStart(of: unit).map { word in
            if word.hasPrefix("/usr/local/bin/") { return try Binaries.url(of: String(word.dropFirst("/usr/local/bin/".count))).path }
            if word.hasPrefix("/usr/local/libexec/wear/") { return unitFolder.appendingPathComponent(String(word.dropFirst("/usr/local/libexec/wear/".count))).path }
            if word == "/etc/wear/filter.rules" { return repository.appendingPathComponent("pipelines/rules/default.rules").path }
            if word.hasPrefix("${CREDENTIALS_DIRECTORY}/") { return credentials.path + word.dropFirst("${CREDENTIALS_DIRECTORY}".count) }
            if word.hasPrefix("/") {
                let mapped = scratch.url.appendingPathComponent(String(word.dropFirst()))
                try FileManager.default.createDirectory(at: mapped.deletingLastPathComponent(), withIntermediateDirectories: true)
                return mapped.path
            }
            return word
        }
    }

    /// The units' own command lines, chained as their FIFOs chain them:
    /// simulated telemetry with attacks through wear-filter, wear-score and
    /// wear-alert (through wear-x-credentials, its bearer token a credential
    /// file, posting to the fake X API on loopback).
    @Test func theUnitsCommandLinesRunTheChainAndBalance() throws {
        let scratch = try TemporaryDirectory()
        let credentials = scratch.file("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        let token = "units-bearer-token-5Hq"
        try (token + "\n").write(to: credentials.appendingPathComponent("x_X_BEARER_TOKEN"), atomically: true, encoding: .utf8)
        let pseudonym = credentials.appendingPathComponent("pseudonym.key")
        try FileManager.default.copyItem(at: GoldenFixtures.root.appendingPathComponent("wear-alert/pseudonym.key"), to: pseudonym)
        chmod(pseudonym.path, 0o400)                         // as systemd writes credentials
        let server = try FakeXServer(acceptsEachTextOnce: true)
        defer { server.shutdown() }

        let telemetry = try ProcessRun.run(try Binaries.url(of: "wear"),
                                           ["sim", "--plain", "--devices", "40", "--duration", "5m", "--seed", "7", "--attacks", "all:0.3"])
        try #require(telemetry.status == 0, "\(telemetry.stderrText)")

        func stage(_ unit: String, _ input: Data, extra: [String] = [], environment: [String: String] = [:]) throws -> ProcessResult {
            let words = try Self.mappedExecStart(of: unit, scratch: scratch, credentials: credentials) + extra
            return try ProcessRun.run(URL(fileURLWithPath: words[0]), Array(words.dropFirst()), input: input, environment: environment)
        }
        let filtered = try stage("wear-filter.service", telemetry.stdout)
        #expect(filtered.status == 0, "\(filtered.stderrText)")
        expectBalancedLedger("wear-filter", stdout: filtered.stdout, stderr: filtered.stderrText,
                             rejects: try Data(contentsOf: scratch.file("var/log/wear-filter/rejects.ndjson")))
        let scored = try stage("wear-score.service", filtered.stdout)
        #expect(scored.status == 0, "\(scored.stderrText)")
        expectBalancedLedger("wear-score", stdout: scored.stdout, stderr: scored.stderrText, rejects: nil)
        #expect(FileManager.default.fileExists(atPath: scratch.file("var/lib/wear-score/score.state").path))
        let alerted = try stage("wear-alert.service", scored.stdout, extra: ["--x-api-base", server.baseURL],
                                environment: ["CREDENTIALS_DIRECTORY": credentials.path, "X_API_KEY": "", "X_API_SECRET": "",
                                              "X_ACCESS_TOKEN": "", "X_ACCESS_TOKEN_SECRET": "", "X_BEARER_TOKEN": ""])
        #expect(alerted.status == 0, "\(alerted.stderrText)")
        let summary = try LedgerSummary.parse(stderr: alerted.stderrText, stage: "wear-alert")
        #expect(summary.balances && summary.recordsIn == lineCount(scored.stdout), "\(summary)")
        #expect(FileManager.default.fileExists(atPath: scratch.file("var/lib/wear-alert/alert.state").path))
        // Posted with the token from the credential file, and nothing but the Authorization header carries it.
        #expect(!server.accepted.isEmpty, "no post: the simulated attacks did not reach the alert threshold")
        #expect(server.requests.allSatisfy { $0.header("Authorization") == "Bearer \(token)" })
        let posted = alerted.stdoutLines.filter { $0.contains("\"status\":\"posted\"") }
        #expect(posted.count == server.accepted.count, "\(alerted.stdoutText)")
        #expect(!alerted.stdoutText.contains(token) && !alerted.stderrText.contains(token))
        // Each stage's metrics file, where tmpfiles.d links node_exporter to it.
        for name in ["wear-filter", "wear-score", "wear-alert"] {
            #expect(FileManager.default.fileExists(atPath: scratch.file("run/\(name)/\(name).prom").path), "\(name) wrote no metrics")
        }
    }
}
