import Foundation
import Glibc
import Testing
import WearTesting

/// The installed root booted with systemd as PID 1 (systemd-nspawn, private
/// network): what the chroot cannot show is whether the units, the image's
/// layout (keys and state on the data volume, /etc/wear, nginx's stream
/// block) and the sandboxes work together when systemd starts them. A first
/// boot of this kind found wear-filter unable to read its rules (/etc/wear
/// was 0750 root:wear to a dynamic user), the units naming keys where the
/// image did not put them, and nginx refusing the stream config at the top
/// level; this keeps them found.
extension ChrootInstallTests {

    /// The data volume stands in as a directory of the root bound at
    /// /var/lib/wear-data (fstab), holding the keys, X credentials and TLS
    /// files as an operator puts them there; then the root boots, every wear
    /// unit and nginx must be active with nothing failed, sealed envelopes
    /// sent into the ingest socket over two connections (each with a PROXY
    /// header) must reach wear-alert, every ledger balancing from the
    /// wear-decrypt of each connection to wear-alert, and a poweroff must
    /// drain the chain and leave wear-score's state on the volume.
    func expectBootsUnderSystemd(_ chroot: Chroot, scratch: TemporaryDirectory) throws {
        try requireTool("systemd-nspawn", package: "systemd-container")
        try requireTool("nsenter", package: "util-linux")
        try requireTool("openssl", package: "openssl")
        try requireTool("python3", package: "python3")

        // --- the data volume, with what an operator puts on it ---------------------
        let made = try chroot.bash("""
            umask 077
            install -d -m 0755 /srv/wear-data
            install -d -m 0700 /srv/wear-data/private /srv/wear-data/keys /srv/wear-data/keys/x /srv/wear-data/keys/tls
            wear keys new --out /srv/wear-data/keys/master.key 2> /dev/null
            wear keys new --out /srv/wear-data/keys/pseudonym.key 2> /dev/null
            printf 'not-a-real-token\\n' > /srv/wear-data/keys/x/X_BEARER_TOKEN
            sed -i 's|^LABEL=wear-data /var/lib/wear-data ext4 .*|/srv/wear-data /var/lib/wear-data none bind 0 0|' /etc/fstab
            grep -qx '/srv/wear-data /var/lib/wear-data none bind 0 0' /etc/fstab
            wear sim --devices 12 --duration 2m --seed 9 --master-key /srv/wear-data/keys/master.key > /root/envelopes.ndjson
            """, seconds: 120)
        try #require(made.status == 0, "making the data volume: \(made.stderrText)")
        let tls = chroot.path("/srv/wear-data/keys/tls")
        let certificates = try run("/bin/bash", ["-c", """
            set -euo pipefail
            cd '\(tls.path)'
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=wear-devices-ca \
                -keyout devices-ca.key -out devices-ca.crt 2> /dev/null
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
                -keyout server.key -out server.crt 2> /dev/null
            chmod 0600 *.key
            """])
        try #require(certificates.status == 0, "openssl: \(certificates.stderrText)")
        // The root's /proc (mounted for the chroot steps) goes before the boot mounts its own.
        _ = try run("/bin/umount", ["--lazy", chroot.path("/proc").path])

        // --- boot ----------------------------------------------------------------
        let boot = try ProcessGroup("nspawn", "/usr/bin/systemd-nspawn",
                                    ["--directory=\(chroot.root.path)", "--boot", "--register=no", "--keep-unit",
                                     "--private-network", "--console=pipe", "--machine=wear-install-test"],
                                    directory: scratch.url)
        defer { boot.stop(grace: 20) }
        var leader: pid_t = 0
        #expect(Polling.until(upTo: 30) {
            leader = Self.child(of: boot.pid, named: "systemd") ?? 0
            return leader > 0
        }, "systemd-nspawn started no systemd: \(boot.stderr)")
        try #require(leader > 0)
        func inside(_ arguments: [String], seconds: Int = 60) throws -> ProcessResult {
            try run("/usr/bin/nsenter", ["--target", "\(leader)", "--all"] + arguments, seconds: seconds)
        }
        // Polled: until systemd's bus is up, systemctl (even with --wait) answers nothing.
        var state = ""
        _ = Polling.until(upTo: 120) {
            state = ((try? inside(["systemctl", "is-system-running"]).stdoutText) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return ["running", "degraded", "maintenance", "stopping"].contains(state)
        }
        let failed = try inside(["systemctl", "list-units", "--failed", "--plain", "--no-legend", "--no-pager"]).stdoutText
        #expect(state == "running", "the system is \(state); failed units:\n\(failed)\nconsole:\n\(boot.stdout.suffix(3000))\n\(boot.stderr.suffix(2000))")
        for unit in ["nginx.service", "prometheus-node-exporter.service", "wear-filter.service", "wear-score.service",
                     "wear-alert.service", "wear-ingest.socket", "wear-decrypted.socket", "wear-filtered.socket",
                     "wear-scored.socket", "wear.target"] {
            let active = try inside(["systemctl", "is-active", unit]).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            let log = active == "active" ? "" : try inside(["journalctl", "--no-pager", "-n", "20", "-u", unit]).stdoutText
            #expect(active == "active", "\(unit) is \(active):\n\(log)")
        }

        // --- envelopes into the ingest socket, as nginx would send them ------------
        let envelopes = chroot.path("/root/envelopes.ndjson")
        let count = try String(contentsOf: envelopes, encoding: .utf8).split(separator: "\n").count
        try #require(count > 1000, "wear sim made \(count) envelopes")
        let sent = try run("/usr/bin/python3", ["-c", """
            import socket, sys
            path, file = sys.argv[1], sys.argv[2]
            lines = open(file, "rb").read().splitlines(keepends=True)
            for c in range(2):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(30)
                s.connect(path)
                s.sendall(b"PROXY TCP4 192.0.2.%d 192.0.2.100 40000 8443\\r\\n" % (c + 1))
                s.sendall(b"".join(lines[c::2]))
                s.shutdown(socket.SHUT_WR)
                s.recv(1)
                s.close()
            """, "/proc/\(leader)/root/run/wear/ingest.sock", envelopes.path], seconds: 60)
        try #require(sent.status == 0, "sending to the ingest socket: \(sent.stderrText)")

        // --- every ledger, from each connection's wear-decrypt to wear-alert --------
        func ledger(_ stage: String) -> LedgerSummary? {
            LedgerSummary.parse(metrics: (try? String(contentsOfFile: "/proc/\(leader)/root/run/\(stage)/\(stage).prom",
                                                      encoding: .utf8)) ?? "", stage: stage)
        }
        var decrypted: [LedgerSummary] = []
        let delivered = Polling.until(upTo: 60) {
            let journal = (try? inside(["journalctl", "--no-pager", "-o", "cat", "-u", "wear-ingest@*"]).stdoutText) ?? ""
            decrypted = journal.split(separator: "\n").filter { $0.hasPrefix("wear-decrypt: info: in=") }
                .compactMap { try? LedgerSummary.parse(stderr: String($0), stage: "wear-decrypt") }
            guard decrypted.count == 2, let alert = ledger("wear-alert"), let score = ledger("wear-score") else { return false }
            return alert.recordsIn == score.recordsOut && score.recordsIn > 0 && ledger("wear-filter")?.recordsOut == score.recordsIn
        }
        #expect(delivered, "the records did not reach wear-alert: decrypt \(decrypted), filter \(String(describing: ledger("wear-filter"))), score \(String(describing: ledger("wear-score"))), alert \(String(describing: ledger("wear-alert")))")
        #expect(decrypted.reduce(0) { $0 + $1.recordsIn } == count, "the two connections' wear-decrypts read \(decrypted), not \(count) envelopes")
        for summary in decrypted { #expect(summary.balances, "\(summary)") }
        let decryptedOut = decrypted.reduce(0) { $0 + $1.recordsOut }
        for stage in ["wear-filter", "wear-score", "wear-alert"] {
            let counts = try #require(ledger(stage), "\(stage) wrote no metrics")
            #expect(counts.balances, "\(stage): \(counts)")
        }
        #expect(ledger("wear-filter")?.recordsIn == decryptedOut, "wear-filter read what the wear-decrypts wrote")

        // --- poweroff drains the chain and leaves the state on the volume ----------
        _ = try inside(["systemctl", "poweroff"])
        #expect(Polling.until(upTo: 90) { !boot.isRunning }, "the container did not power off: \(boot.stderr)")
        #expect(chroot.exists("/srv/wear-data/private/wear-score/score.state"),
                "no wear-score state on the data volume after the poweroff")
        #expect(chroot.exists("/srv/wear-data/private/wear-alert/alert.state"),
                "no wear-alert state on the data volume after the poweroff")
    }

    /// A child of `parent` whose command name is `name`, if there is one.
    static func child(of parent: pid_t, named name: String) -> pid_t? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if String(stat[stat.index(after: open)..<close]) == name, fields.count > 2, pid_t(fields[1]) == parent { return pid }
        }
        return nil
    }
}
