// wear-outbox-probe: the outbox and the X delivery in a real process, for
// StageTests' kill -9, restart and lock tests (never installed; wear-alert
// wires the same calls into its stage).
//
//     wear-outbox-probe --outbox DIR --x-api-base URL [--drain-timeout SECONDS] [--request-timeout SECONDS]
//
// Each line of stdin is a post (incident `line-N`), written to the outbox
// before it is attempted; receipts (posted/failed) go to stdout as they
// come; at end of input it drains for up to --drain-timeout, says how many
// stay pending, and exits 0. Credentials come from the environment, as
// wear-alert's. Start-up errors: one line and the StageFailure's status.
import Glibc
import Logging
import Synchronization
import WearAlert
import WearAlertX
import WearCore

let logger = Logger(label: "wear-outbox-probe") { StderrLogHandler(program: $0, level: .info) }

func fail(_ failure: StageFailure) -> Never {
    _ = WriteAll.write("wear-outbox-probe: error: \(failure.message)\n", to: STDERR_FILENO)
    exit(failure.status.rawValue)
}

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard name.hasPrefix("--"), let value = arguments.popFirst() else { fail(StageFailure(status: .usage, message: "usage: --outbox DIR --x-api-base URL [--drain-timeout S] [--request-timeout S]")) }
    options[String(name.dropFirst(2))] = value
}
guard let directory = options["outbox"] else { fail(StageFailure(status: .usage, message: "--outbox DIR is required")) }
let drainTimeout = Duration.seconds(Double(options["drain-timeout"] ?? "30") ?? 30)
let requestTimeout = Duration.seconds(Double(options["request-timeout"] ?? "30") ?? 30)

var environment: [String: String] = [:]
for name in XCredentials.oauth1Variables + [XCredentials.bearerVariable] {
    if let value = getenv(name) { environment[name] = String(cString: value) }
}

let receipts = Mutex(())
do {
    let credentials = try XCredentials.fromEnvironment(environment)
    let outbox = try Outbox.open(directory, logger: logger)
    let client = try XClient(apiBase: options["x-api-base"] ?? XClient.defaultAPIBase, credentials: credentials)
    let clock = SystemDeliveryClock()
    let delivery = try Delivery.start(outbox: outbox, poster: client, requestTimeout: requestTimeout, logger: logger) { result in
        guard let receipt = result.receipt() else { return }
        receipts.withLock { _ in _ = WriteAll.write(receipt.document().dumped() + "\n", to: STDOUT_FILENO) }
    }
    var line = 0
    while let text = readLine() {
        line += 1
        guard !text.isEmpty else { continue }
        try outbox.add(incident: "line-\(line)", kind: .post, text: text, now: clock.now())
    }
    let pending = delivery.drain(timeout: drainTimeout)
    client.shutdown()
    logger.info("pending=\(pending)")
    exit(0)
} catch let error as StageFailure {
    fail(error)
} catch {
    fail(StageFailure(error))
}
