import Foundation
import Glibc
import Testing
import WearTesting

/// Issue 12, deliverable 6: the ingest path with the real parts. Devices
/// (`openssl s_client`, each with its client certificate) stream `wear sim`
/// envelopes over TLS 1.3 to Debian's nginx running the shipped
/// pipelines/nginx/wear-stream.conf; nginx opens one connection per device
/// to a unix socket where systemd-socket-activate (standing in for PID 1,
/// Accept=yes) starts `wear-decrypt --proxy-protocol --atomic-lines` per
/// connection, writing into a FIFO that wear-filter | wear-score |
/// wear-alert read. Accounting is checked from the first byte (nginx's
/// bytes from each device) to the receipts.
@Suite(.serialized) struct IngestEndToEndTests {
    @Test func devicesStreamThroughNginxAndEveryRecordIsAccountedForToTheReceipts() throws {
        let certificates = try IngestCertificates.shared()
        let scratch = try TemporaryDirectory()
        let keys = try makeIngestKeys(in: scratch.url)
        let devices = Array(certificates.devices.prefix(5))
        let envelopes = try simulatedEnvelopes(["--devices", "5", "--duration", "2m", "--seed", "12", "--attack", "hr_spike:0.4"],
                                               masterKey: keys.master, devices: devices)
        try #require(devices.allSatisfy { (envelopes[$0]?.count ?? 0) > 50 }, "the sim gave too few envelopes per device")

        let backend = try IngestBackend(directory: scratch.file("backend"), masterKey: keys.master, pseudonymKey: keys.pseudonym,
                                        chain: .full)
        let port = try freeLoopbackPort()
        // The shipped file as is, but for paths and the port: mTLS on, limit_conn 4 per address.
        let server = try NginxFront.streamConfig(port: port, certificates: certificates, logs: scratch.url,
                                                 proxyPass: "unix:\(backend.socketPath)")
        #expect(server.contains("ssl_protocols TLSv1.3;") && server.contains("ssl_verify_client on;")
                && server.contains("limit_conn wear_per_address 4;") && server.contains("proxy_protocol on;"))
        let nginx = try NginxFront(port: port, directory: scratch.url, includes: [("wear-stream.conf", server)])
        defer { nginx.stop() }

        // Four devices at once (the limit per address): half their envelopes, connections held open.
        var clients: [String: DeviceClient] = [:]
        for device in devices.prefix(4) {
            let client = try DeviceClient(.device(device), port: port, certificates: certificates, directory: scratch.url, tag: device)
            let lines = envelopes[device]!
            #expect(client.send(Array(lines.prefix(lines.count / 2))))
            clients[device] = client
        }
        try #require(Polling.until(upTo: 60) { backend.connectionsAccepted == 4 },
                     "nginx did not open 4 ingest connections:\n\(backend.activatorLog)")

        // A fifth connection from the same address is over limit_conn: closed before TLS, nothing reaches the socket.
        let overLimit = try DeviceClient(.device(devices[4]), port: port, certificates: certificates, directory: scratch.url,
                                         tag: "over-limit")
        overLimit.send(Array(envelopes[devices[4]]!.prefix(3)))
        #expect(overLimit.process.waitForExit(upTo: 30) != nil, "the connection over the limit was not closed")
        #expect(backend.connectionsAccepted == 4)

        for device in devices.prefix(4) {
            let lines = envelopes[device]!
            #expect(clients[device]!.send(Array(lines.suffix(from: lines.count / 2))))
            #expect(clients[device]!.finish() == 0, "s_client \(device): \(clients[device]!.process.stderrText)")
        }
        // With the others gone, the fifth device gets in.
        try #require(Polling.until(upTo: 60) { backend.connectionsDone == 4 })
        let fifth = try DeviceClient(.device(devices[4]), port: port, certificates: certificates, directory: scratch.url, tag: devices[4])
        #expect(fifth.send(envelopes[devices[4]]!))
        #expect(fifth.finish() == 0, "s_client \(devices[4]): \(fifth.process.stderrText)")
        try #require(Polling.until(upTo: 60) { backend.connectionsDone == 5 })

        // Client certificates are required: no certificate, or one the devices' CA did not sign, is refused.
        let stolenName = Array(envelopes[devices[0]]!.prefix(5))
        for identity in [DeviceClient.Identity.none, .rogue] {
            let refused = try DeviceClient(identity, port: port, certificates: certificates, directory: scratch.url, tag: "\(identity)")
            refused.send(stolenName)
            #expect(refused.process.waitForExit(upTo: 30) != nil, "nginx kept the connection of \(identity) open")
            refused.process.kill()
        }
        try #require(Polling.until(upTo: 30) { nginx.sessions.count == 8 }, "nginx logged \(nginx.sessions.count) sessions, not 8")
        #expect(backend.connectionsAccepted == 5, "a refused connection reached the ingest socket:\n\(backend.activatorLog)")

        #expect(backend.finish() == 0, "the stages' pipeline failed:\n\(backend.stageStderr("stages"))")
        checkSessions(nginx.sessions, devices: devices, envelopes: envelopes)
        try checkAccounting(backend, devices: devices, envelopes: envelopes, sessions: nginx.sessions)
    }

    /// nginx's log: each device's session carried exactly the bytes it sent; the refused ones are logged as refused.
    private func checkSessions(_ sessions: [[String: Any]], devices: [String], envelopes: [String: [String]]) {
        for device in devices {
            let sent = envelopes[device]!.reduce(0) { $0 + $1.utf8.count + 1 }
            let accepted = sessions.filter { $0["client_dn"] as? String == "CN=\(device)" && $0["status"] as? Int == 200 }
            #expect(accepted.count == 1, "\(device): \(accepted.count) sessions with status 200")
            #expect(accepted.first?["bytes_in"] as? Int == sent, "\(device): nginx received \(accepted.first?["bytes_in"] ?? "-"), sent \(sent)")
            #expect(accepted.first?["tls"] as? String == "TLSv1.3")
            #expect(accepted.first?["client_verify"] as? String == "SUCCESS")
        }
        #expect(sessions.filter { $0["status"] as? Int == 503 }.count == 1, "limit_conn: \(sessions)")
        let unverified = sessions.compactMap { $0["client_verify"] as? String }.filter { $0 != "SUCCESS" }
        #expect(unverified.contains("NONE") && unverified.contains { $0.hasPrefix("FAILED") }, "\(unverified)")
        #expect(sessions.filter { ($0["client_verify"] as? String) != "SUCCESS" && $0["status"] as? Int == 200 }.isEmpty)
    }

    /// Every envelope sent is one wear-decrypt record in; each stage's ledger
    /// balances; each stage's output is the next one's input; every record
    /// carries meta.src = 127.0.0.1 and its connection's port, from PROXY.
    private func checkAccounting(_ backend: IngestBackend, devices: [String], envelopes: [String: [String]],
                                 sessions: [[String: Any]]) throws {
        let sent = devices.reduce(0) { $0 + envelopes[$1]!.count }
        let decrypt = backend.decryptSummaries
        #expect(decrypt.count == 5, "wear-decrypt summaries:\n\(backend.activatorLog)")
        #expect(decrypt.allSatisfy { $0.balances })
        let decryptIn = decrypt.reduce(0) { $0 + $1.recordsIn }, decryptOut = decrypt.reduce(0) { $0 + $1.recordsOut }
        #expect(decryptIn == sent, "sent \(sent) envelopes, wear-decrypt read \(decryptIn)")
        #expect(backend.activatorLog.components(separatedBy: "PROXY v1 header: client 127.0.0.1:").count - 1 == 5)

        let filtered = backend.records("filtered.ndjson"), scored = backend.records("scored.ndjson")
        let filter = try #require(expectBalancedLedger("wear-filter", stdout: nil, stderr: backend.stageStderr("wear-filter"),
                                                        rejects: try Data(contentsOf: URL(fileURLWithPath: backend.file("filter.rejects")))))
        let score = try #require(expectBalancedLedger("wear-score", stdout: nil, stderr: backend.stageStderr("wear-score"), rejects: nil))
        let alert = try #require(expectBalancedLedger("wear-alert", stdout: nil, stderr: backend.stageStderr("wear-alert"), rejects: nil))
        #expect(filter.recordsIn == decryptOut, "wear-decrypt wrote \(decryptOut) into the FIFO, wear-filter read \(filter.recordsIn)")
        #expect(filter.recordsOut == filtered.count && score.recordsIn == filter.recordsOut)
        #expect(score.recordsOut == scored.count && alert.recordsIn == score.recordsOut)
        #expect(alert.recordsIn > sent / 2, "records did not flow to the end: \(alert.recordsIn) of \(sent)")
        #expect(alert.recordsOut == alert.recordsIn)

        let portOf = Dictionary(sessions.compactMap { session -> (String, Int)? in
            guard session["status"] as? Int == 200, let dn = session["client_dn"] as? String,
                  let port = (session["port"] as? String).flatMap(Int.init) else { return nil }
            return (String(dn.dropFirst(3)), port)
        }, uniquingKeysWith: { first, _ in first })
        var wrongSource = 0
        for record in filtered {
            let meta = record["meta"] as? [String: Any]
            guard meta?["src"] as? String == "127.0.0.1", let dev = record["dev"] as? String,
                  meta?["src_port"] as? Int == portOf[dev] else {
                wrongSource += 1
                continue
            }
        }
        #expect(wrongSource == 0, "\(wrongSource) records without meta.src 127.0.0.1 and their connection's port")
        let perDevice = Dictionary(grouping: filtered, by: { $0["dev"] as? String ?? "" }).mapValues(\.count)
        #expect(Set(perDevice.keys) == Set(devices), "devices seen: \(perDevice)")
    }
}
