import Foundation
import Glibc
import Testing
import WearTesting

/// Issue 12, deliverable 7: nginx as the distributed front. Three backends
/// on this machine (three ingest sockets, each with its own
/// systemd-socket-activate, wear-decrypt per connection, FIFO and stateful
/// stages wear-filter | wear-score), the shipped pipelines/nginx/
/// wear-upstream.conf (`hash $ssl_client_s_dn consistent`) in front, and 24
/// devices with their own certificates.
@Suite(.serialized) struct IngestScaleOutTests {
    /// A record as the backends saw it: device and sequence number.
    struct Sent: Hashable { let dev: String; let seq: Int }

    static func sent(_ line: String, device: String) -> Sent? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return (object["seq"] as? Int).map { Sent(dev: object["dev"] as? String ?? device, seq: $0) }
    }

    /// What reached `backend`'s wear-filter: what it passed and what it rejected.
    static func arrived(_ backend: IngestBackend) -> [Sent] {
        let passed = backend.records("filtered.ndjson").compactMap { record in
            (record["seq"] as? Int).map { Sent(dev: record["dev"] as? String ?? "", seq: $0) }
        }
        let rejected = backend.records("filter.rejects").compactMap { reject in
            (reject["input"] as? String).flatMap { sent($0, device: "") }
        }
        return passed + rejected
    }

    @Test func eachDeviceReachesOneBackendAndAStoppedBackendsDevicesMoveWithNothingLost() throws {
        let certificates = try IngestCertificates.shared()
        let scratch = try TemporaryDirectory()
        let keys = try makeIngestKeys(in: scratch.url)
        let devices = certificates.devices
        let envelopes = try simulatedEnvelopes(["--devices", String(devices.count), "--duration", "40s", "--seed", "7"],
                                               masterKey: keys.master, devices: devices)
        try #require(devices.allSatisfy { (envelopes[$0]?.count ?? 0) >= 20 })
        let half = Dictionary(uniqueKeysWithValues: devices.map { ($0, envelopes[$0]!.count / 2) })

        let backends = try (0..<3).map {
            try IngestBackend(directory: scratch.file("backend-\($0)"), masterKey: keys.master, pseudonymKey: keys.pseudonym,
                              chain: .stateful)
        }
        let upstream = try shippedNginxFile("wear-upstream.conf", substituting: [
            ("hash $ssl_client_s_dn consistent;", "hash $ssl_client_s_dn consistent;"),
            ("server 10.0.0.11:7000", "server unix:\(backends[0].socketPath)"),
            ("server 10.0.0.12:7000", "server unix:\(backends[1].socketPath)"),
            ("server 10.0.0.13:7000", "server unix:\(backends[2].socketPath)"),
        ])
        let port = try freeLoopbackPort()
        // All 24 devices connect from 127.0.0.1 at once here: a limit per address above that.
        let server = try NginxFront.streamConfig(port: port, certificates: certificates, logs: scratch.url, proxyPass: "wear_backends",
                                                 extra: [("limit_conn wear_per_address 4;", "limit_conn wear_per_address 64;")])
        let nginx = try NginxFront(port: port, directory: scratch.url,
                                   includes: [("wear-upstream.conf", upstream), ("wear-stream.conf", server)])
        defer { nginx.stop() }

        // Phase 1: every device connects and sends the first half of its records; the connections stay open.
        var first: [String: DeviceClient] = [:]
        for device in devices {
            let client = try DeviceClient(.device(device), port: port, certificates: certificates, directory: scratch.url, tag: "\(device)-1")
            #expect(client.send(Array(envelopes[device]!.prefix(half[device]!))))
            first[device] = client
        }
        let phaseOne = devices.reduce(0) { $0 + half[$1]! }
        try #require(Polling.until(upTo: 120) { backends.reduce(0) { $0 + Self.arrived($1).count } == phaseOne },
                     "phase 1: \(backends.map { Self.arrived($0).count }) of \(phaseOne) records arrived")

        let phaseOneRecords = Set(backends.flatMap(Self.arrived))
        var home: [String: Int] = [:]
        for (index, backend) in backends.enumerated() {
            for device in Set(Self.arrived(backend).map(\.dev)) {
                #expect(home[device] == nil, "\(device) reached backends \(home[device] ?? -1) and \(index)")
                home[device] = index
            }
        }
        #expect(Set(home.keys) == Set(devices))
        let counts = (0..<3).map { index in home.values.filter { $0 == index }.count }
        #expect(counts.filter { $0 > 0 }.count >= 2, "the hash put every device on one backend: \(counts)")

        // Stop the busiest backend. nginx closes the connections that were open to it.
        let victim = counts.firstIndex(of: counts.max()!)!
        let moved = devices.filter { home[$0] == victim }, stayed = devices.filter { home[$0] != victim }
        backends[victim].stopIngest()
        for device in moved {
            #expect(first[device]!.process.waitForExit(upTo: 30) != nil, "nginx kept \(device)'s connection open after its backend stopped")
        }
        for device in stayed {
            #expect(first[device]!.process.isRunning, "\(device)'s connection to a running backend was closed")
            #expect(first[device]!.finish() == 0)
        }

        // Phase 2: every device reconnects and sends the rest.
        for device in devices {
            let client = try DeviceClient(.device(device), port: port, certificates: certificates, directory: scratch.url, tag: "\(device)-2")
            #expect(client.send(Array(envelopes[device]!.suffix(from: half[device]!))))
            #expect(client.finish() == 0, "\(device), phase 2: \(client.process.stderrText)")
        }
        let total = devices.reduce(0) { $0 + envelopes[$1]!.count }
        try #require(Polling.until(upTo: 120) { backends.reduce(0) { $0 + Self.arrived($1).count } == total },
                     "phase 2: \(backends.map { Self.arrived($0).count }) of \(total) records arrived")

        var phaseTwoHome: [String: Set<Int>] = [:]
        var seen: [Sent: Int] = [:]
        for (index, backend) in backends.enumerated() {
            for record in Self.arrived(backend) {
                seen[record, default: 0] += 1
                if !phaseOneRecords.contains(record) { phaseTwoHome[record.dev, default: []].insert(index) }
            }
        }
        #expect(seen.values.allSatisfy { $0 == 1 }, "records that arrived twice: \(seen.filter { $0.value > 1 }.count)")
        for device in devices {
            let arrived = seen.keys.filter { $0.dev == device }.count
            #expect(arrived == envelopes[device]!.count, "\(device): sent \(envelopes[device]!.count), \(arrived) arrived")
        }
        for device in stayed {
            #expect(phaseTwoHome[device] == [home[device]!], "\(device) moved from \(home[device]!) to \(phaseTwoHome[device] ?? [])")
        }
        for device in moved {
            let now = phaseTwoHome[device] ?? []
            #expect(now.count == 1 && !now.contains(victim), "\(device) of the stopped backend \(victim) went to \(now)")
        }

        for (index, backend) in backends.enumerated() {
            let status = backend.finish()
            #expect(status == 0, "backend \(index) stages exited \(status.map(String.init) ?? "hung"):\n\(backend.stageStderr("stages"))")
            let decrypt = backend.decryptSummaries
            #expect(decrypt.allSatisfy { $0.balances })
            let filter = expectBalancedLedger("wear-filter", stdout: nil, stderr: backend.stageStderr("wear-filter"),
                                              rejects: (try? Data(contentsOf: URL(fileURLWithPath: backend.file("filter.rejects")))) ?? Data())
            _ = expectBalancedLedger("wear-score", stdout: nil, stderr: backend.stageStderr("wear-score"), rejects: nil)
            if index == victim {
                // Its wear-decrypts were killed (no summaries): what they wrote is what arrived.
                #expect(filter?.recordsIn == Self.arrived(backend).count, "backend \(index): FIFO accounting")
            } else {
                #expect(filter?.recordsIn == decrypt.reduce(0) { $0 + $1.recordsOut }, "backend \(index): FIFO accounting")
            }
        }
    }
}
