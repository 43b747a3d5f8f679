import ArgumentParser
import Foundation
import Dispatch
import Glibc
import WearCLI
import WearCore
import WearDashboard

struct DashboardCommand: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live, read-only page of the pipeline from the stages' metrics files.",
        discussion: """
            Reads the stages' --metrics-file outputs (every *.prom file of --metrics-dir,
            and each --metrics-file) every --sample-interval, keeps the last --window in
            memory and serves one page at http://LISTEN/: records per second into each
            stage over the window, the stages' counts and how long ago each wrote its
            file, rejects by reason, wear-score's score histogram, incidents open and
            their events, recent posts (their public text only, from --receipts), the
            outbox, the post budget and the age of wear-score's state. The page has no
            script and no external asset (it works offline) and reloads itself every
            --refresh. It never shows a device id, a pseudonym or a secret.

            Loopback only by default: the page is for the operator's browser (through
            an SSH tunnel, say). Only GET and HEAD of / are answered. SIGINT or SIGTERM
            stops the server.

            Examples:
              wear dashboard --metrics-dir /var/lib/prometheus/node-exporter
              wear dashboard --listen 127.0.0.1:9180 --metrics-file filter.prom \\
                  --metrics-file score.prom --receipts receipts.ndjson --window 30m
            """
    )

    @Option(help: ArgumentHelp("Address to listen on: host:port ([::1]:port for IPv6; port 0: any free port).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(help: ArgumentHelp("A folder of metrics files: every *.prom in it, read at each sample (repeatable).", valueName: "dir"))
    var metricsDir: [String] = []

    @Option(help: ArgumentHelp("A stage's --metrics-file (repeatable).", valueName: "file"))
    var metricsFile: [String] = []

    @Option(help: ArgumentHelp("wear-alert's receipts (stdout): the recent posts' public text.", valueName: "file"))
    var receipts: String?

    @Option(parsing: .unconditional, help: .quantity("How much history to keep and draw.", valueName: "duration",
                                                     default: DurationOption(.seconds(600))),
            transform: DurationOption.parse)
    var window = DurationOption(.seconds(600))

    @Option(parsing: .unconditional, help: .quantity("How often to read the metrics files.", valueName: "duration",
                                                     default: DurationOption(.seconds(2))),
            transform: DurationOption.parse)
    var sampleInterval = DurationOption(.seconds(2))

    @Option(parsing: .unconditional, help: .quantity("How often the page reloads itself.", valueName: "duration",
                                                     default: DurationOption(.seconds(5))),
            transform: DurationOption.parse)
    var refresh = DurationOption(.seconds(5))

    func address() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen must be host:port (e.g. 127.0.0.1:8080), found '\(listen)'")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen needs a host: 127.0.0.1:\(port) for loopback") }
        return (host, port)
    }

    func check() throws {
        _ = try address()
        guard !metricsDir.isEmpty || !metricsFile.isEmpty else {
            throw ValidationError("name the stages' metrics with --metrics-dir or --metrics-file")
        }
        func seconds(_ option: DurationOption) -> Double { Double(option.duration / .milliseconds(1)) / 1000 }
        guard seconds(sampleInterval) >= 0.1 else { throw ValidationError("--sample-interval must be at least 100ms") }
        guard seconds(window) >= seconds(sampleInterval) * 2 else {
            throw ValidationError("--window must hold at least two samples (2 × --sample-interval)")
        }
        guard seconds(refresh) >= 1 else { throw ValidationError("--refresh must be at least 1s") }
    }

    func run() throws {
        let logger = WearLogging.logger(program: "wear dashboard")
        func seconds(_ option: DurationOption) -> Double { Double(option.duration / .milliseconds(1)) / 1000 }
        var options = DashboardOptions()
        (options.host, options.port) = try address()
        options.metricsDirectories = metricsDir
        options.metricsFiles = metricsFile
        options.receipts = receipts
        options.window = seconds(window)
        options.sampleInterval = seconds(sampleInterval)
        options.refresh = max(1, Int(seconds(refresh).rounded()))
        for folder in metricsDir {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                exitWith(StageFailure(status: .noInput, message: "--metrics-dir \(folder): no such folder"), command: "dashboard")
            }
        }
        let server: DashboardServer
        do {
            server = try DashboardServer(options: options, logger: logger)
        } catch {
            exitWith(error, command: "dashboard")
        }
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.stop() }
            source.resume()
            sources.append(source)
        }
        logger.notice("serving http://\(server.address)/ (read-only)")
        server.run()
        sources.forEach { $0.cancel() }
    }
}
