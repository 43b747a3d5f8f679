import Foundation
import Glibc
import Testing
import WearTesting

/// The release tarball installed by packer/scripts/install.sh into a minimal
/// Debian 12 root (debootstrap --variant=minbase bookworm, made once by
/// scripts/debian-root.sh and kept in .build/debian-bookworm-minbase), in a
/// chroot: the closest to booting the image these machines allow. Then the
/// installed binaries run a sealed `wear sim` fleet through all four stages
/// inside the root (no Swift toolchain there), every ledger balancing, and
/// `systemd-analyze verify --root` checks the installed units with their
/// drop-ins. A second install of the same release with two throwaway units
/// added to pipelines/systemd shows units are taken by glob, enabled, never
/// started, and that installing again changes nothing twice.
///
/// The tarball: $WEAR_RELEASE_TARBALL, or dist/wear-x86-64-v3.tar.gz (the
/// symlink scripts/release.sh points at its newest x86-64-v3 tarball; `make
/// release` makes it). It must be the tree's commit. Runs as root (CI does).
/// `make test` builds the tarball first (CI runs the suite in full); without
/// one (`make test-quick`, or a bare `swift test`) the suite is skipped, and
/// says so in the test report.
@Suite(.serialized, .timeLimit(.minutes(30)),
       .enabled(if: FileManager.default.fileExists(atPath: releaseTarballPath()),
                "no release tarball: run make release (dist/wear-x86-64-v3.tar.gz) or set WEAR_RELEASE_TARBALL"))
struct ChrootInstallTests {

    struct Chroot {
        let root: URL
        func path(_ inside: String) -> URL { root.appendingPathComponent(String(inside.drop { $0 == "/" })) }
        func text(_ inside: String) throws -> String { try String(contentsOf: path(inside), encoding: .utf8) }
        func exists(_ inside: String) -> Bool { FileManager.default.fileExists(atPath: path(inside).path) }
        /// Where the symbolic link at `inside` points (as written: systemctl
        /// writes absolute paths of the root, which `exists` would resolve
        /// against the host's file system), or nil when it is not a link.
        func link(_ inside: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: path(inside).path) }
        func isExecutable(_ inside: String) -> Bool { access(path(inside).path, X_OK) == 0 }
        /// Runs a bash script inside the root.
        func bash(_ script: String, seconds: Int = 120) throws -> ProcessResult {
            try run("/usr/sbin/chroot", [root.path, "/usr/bin/env", "-i",
                                         "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                         "HOME=/root", "LANG=C.UTF-8", "/bin/bash", "-c", "set -euo pipefail\n" + script],
                    seconds: seconds)
        }
    }

    func releaseTarball() throws -> URL {
        let path = releaseTarballPath()
        try #require(FileManager.default.fileExists(atPath: path),
                     "no release tarball at \(path): run `make test` (it runs scripts/release.sh first) or `make release`, or set WEAR_RELEASE_TARBALL")
        return URL(fileURLWithPath: path).resolvingSymlinksInPath()
    }

    @Test func installsAndRunsInADebianRoot() throws {
        #expect(getuid() == 0, "the chroot install test runs as root (debootstrap, chroot, mount)")
        try #require(getuid() == 0)
        for (tool, package) in [("debootstrap", "debootstrap"), ("chroot", "coreutils"), ("systemd-analyze", "systemd"),
                                ("mount", "mount")] {
            try requireTool(tool, package: package)
        }
        let tarball = try releaseTarball()
        let name = String(tarball.lastPathComponent.dropLast(".tar.gz".count))
        let commit = try run(repositoryFile("scripts/git-commit.sh").path, []).stdoutText
        #expect(name.contains("-\(commit)-"), "\(tarball.path) is not this tree's commit (\(commit)): run make release")

        let made = try run(repositoryFile("scripts/debian-root.sh").path, [repositoryFile(".build/debian-bookworm-minbase").path],
                           seconds: 1500)
        try #require(made.status == 0, "scripts/debian-root.sh: \(made.stderrText)")
        let scratch = try TemporaryDirectory()
        let chroot = Chroot(root: scratch.file("root"))
        let copied = try run("/bin/cp", ["-a", repositoryFile(".build/debian-bookworm-minbase").path, chroot.root.path], seconds: 300)
        try #require(copied.status == 0, "copying the Debian root: \(copied.stderrText)")
        let mounted = try run("/bin/mount", ["-t", "proc", "proc", chroot.path("/proc").path])
        try #require(mounted.status == 0, "mount proc: \(mounted.stderrText)")
        defer {
            // Before the folder goes: nothing of it may stay mounted.
            _ = try? run("/bin/umount", ["--lazy", chroot.path("/proc").path])
            withExtendedLifetime(scratch) {}
        }
        try FileManager.default.copyItem(at: URL(fileURLWithPath: "/etc/resolv.conf"), to: chroot.path("/etc/resolv.conf.wear"))
        _ = try chroot.bash("rm -f /etc/resolv.conf; mv /etc/resolv.conf.wear /etc/resolv.conf")
        try FileManager.default.copyItem(at: tarball, to: chroot.path("/root/\(name).tar.gz"))
        try FileManager.default.copyItem(at: repositoryFile("packer/scripts/install.sh"), to: chroot.path("/root/install.sh"))
        #expect(!chroot.exists("/usr/bin/systemctl"), "minbase has no systemd: install.sh must bring it")

        // --- install ---------------------------------------------------------------
        let installed = try chroot.bash("/root/install.sh /root/\(name).tar.gz", seconds: 900)
        try #require(installed.status == 0, "install.sh: \(installed.stdoutText)\(installed.stderrText)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: chroot.path("/usr/local/share/wear/manifest.json"))) as? [String: Any])
        let version = try #require(manifest["version"] as? String)
        #expect(manifest["commit"] as? String == commit && manifest["target_cpu"] as? String == "x86-64-v3")
        #expect(installed.stderrText.contains("installed wear \(version) (\(commit)) built for x86-64-v3"), "\(installed.stderrText)")
        try expectInstalledFiles(chroot, version: version, commit: commit, manifest: manifest)
        try expectNoSwiftAndNothingRunning(chroot)

        // --- the installed binaries, inside the root --------------------------------
        for binary in ["wear", "wear-decrypt", "wear-filter", "wear-score", "wear-alert"] {
            let reported = try chroot.bash("\(binary) --version")
            #expect(reported.stdoutText == "\(binary) \(version) (\(commit))\n", "\(reported.stdoutText)\(reported.stderrText)")
        }
        try expectPipelineBalances(chroot)
        try expectUnitsVerify(chroot)

        // --- again, with units added to pipelines/systemd ---------------------------
        try addThrowawayUnits(to: chroot, release: name)
        let again = try chroot.bash("/root/install.sh /root/\(name)", seconds: 600)
        try #require(again.status == 0, "install.sh again: \(again.stderrText)")
        let enabled = again.stderrText.split(separator: "\n").first { $0.contains("; enabled ") }?
            .split(separator: " ").map(String.init) ?? []
        for unit in ["nginx.service", "prometheus-node-exporter.service", "wear-probe.service", "wear-probe.socket"] {
            #expect(enabled.contains(unit), "\(unit) not enabled: \(again.stderrText)")
        }
        #expect(!enabled.contains("wear-probe@.service"), "a template is not enabled")
        #expect(chroot.link("/etc/systemd/system/multi-user.target.wants/wear-probe.service") == "/usr/local/lib/systemd/system/wear-probe.service")
        #expect(chroot.link("/etc/systemd/system/sockets.target.wants/wear-probe.socket") == "/usr/local/lib/systemd/system/wear-probe.socket")
        #expect(chroot.link("/etc/systemd/system/multi-user.target.wants/wear-probe@.service") == nil)
        #expect(chroot.exists("/usr/local/lib/systemd/system/wear-probe@.service"))
        let fstab = try chroot.text("/etc/fstab")
        #expect(fstab.components(separatedBy: "LABEL=wear-data /var/lib/wear-data ext4").count == 2, "one data volume line: \(fstab)")
        let nginx = try chroot.text("/etc/nginx/nginx.conf")
        #expect(nginx.components(separatedBy: "include /etc/nginx/wear.conf;").count == 2, "one include of the stream block: \(nginx)")
        #expect(!nginx.contains("include /etc/nginx/wear/*.conf;"), "\(nginx)")
        let stream = try chroot.text("/etc/nginx/wear.conf")
        #expect(stream.contains("stream {\n    include /etc/nginx/wear/wear-log.conf;\n    include /etc/nginx/wear/wear-stream.conf;\n}"), "\(stream)")
        for (name, target) in [("master.key", "keys/master.key"), ("pseudonym.key", "keys/pseudonym.key"), ("x", "keys/x"),
                               ("tls", "keys/tls"), ("keys.json", "keys/keys.json"), ("filter.rules", "rules/default.rules")] {
            #expect(chroot.link("/etc/wear/\(name)") == target, "/etc/wear/\(name)")
        }
        let etc = try FileManager.default.attributesOfItem(atPath: chroot.path("/etc/wear").path)
        #expect((etc[.posixPermissions] as? Int) == 0o755, "/etc/wear is read by every stage's dynamic user")
        try expectNoSwiftAndNothingRunning(chroot)
        try expectUnitsVerify(chroot, including: ["wear-probe.service", "wear-probe.socket", "wear-probe@1.service"])

        // --- and booted, with systemd as PID 1 ---------------------------------------
        try expectBootsUnderSystemd(chroot, scratch: scratch)
    }

    func expectInstalledFiles(_ chroot: Chroot, version: String, commit: String, manifest: [String: Any]) throws {
        #expect(try chroot.text("/etc/wear/release").contains("WEAR_VERSION=\(version)\nWEAR_COMMIT=\(commit)\nWEAR_TARGET_CPU=x86-64-v3\n"))
        #expect(try chroot.text("/etc/wear/rules/default.rules") == String(contentsOf: repositoryFile("pipelines/rules/default.rules"), encoding: .utf8))
        #expect(chroot.exists("/usr/local/share/man/man1/wear-decrypt.1") && chroot.exists("/usr/local/share/man/man1/wear.sim.1"))
        #expect(chroot.exists("/usr/local/share/bash-completion/completions/wear-filter"))
        #expect(try chroot.text("/etc/sysctl.d/60-wear.conf").contains("net.core.somaxconn = 65535"))
        #expect(try chroot.text("/etc/sysctl.d/60-wear.conf").contains("net.ipv4.ip_local_port_range = 1024 65535"))
        #expect(try chroot.text("/etc/systemd/system.conf.d/60-wear.conf").contains("DefaultLimitNOFILE=1048576:1048576"))
        #expect(try chroot.text("/etc/systemd/system/nginx.service.d/60-wear.conf").contains("LimitNOFILE=1048576:1048576"))
        #expect(try chroot.text("/etc/fstab").contains("/var/lib/wear-data/private /var/lib/private none bind,nofail"))
        #expect(!chroot.exists("/etc/nginx/sites-enabled/default"), "nginx's default site listens on port 80")
        #expect(chroot.exists("/usr/lib/nginx/modules/ngx_stream_module.so"))
        #expect(chroot.link("/etc/systemd/system/multi-user.target.wants/nginx.service") != nil)
        #expect(chroot.link("/etc/systemd/system/multi-user.target.wants/prometheus-node-exporter.service") != nil)
        #expect(chroot.link("/etc/systemd/system/multi-user.target.wants/wear.target") == "/usr/local/lib/systemd/system/wear.target")
        for unit in ["wear-filter.service", "wear-score.service", "wear-alert.service"] {
            #expect(chroot.link("/etc/systemd/system/wear.target.wants/\(unit)") == "/usr/local/lib/systemd/system/\(unit)")
        }
        for socket in ["wear-ingest.socket", "wear-decrypted.socket", "wear-filtered.socket", "wear-scored.socket"] {
            #expect(chroot.link("/etc/systemd/system/sockets.target.wants/\(socket)") == "/usr/local/lib/systemd/system/\(socket)")
        }
        #expect(!chroot.exists("/usr/sbin/policy-rc.d"), "install.sh removes the policy-rc.d it wrote")
        #expect(try chroot.bash("getent passwd wear && getent group wear").status == 0)
        // Every unit, config and rules file of the release, where install.sh puts them.
        for case let file as [String: Any] in manifest["files"] as? [Any] ?? [] {
            guard let path = file["path"] as? String, path.hasPrefix("pipelines/") else { continue }
            let rest = path.split(separator: "/").dropFirst(2).joined(separator: "/")
            let executable = (file["mode"] as? String).flatMap { Int($0, radix: 8) }.map { $0 & 0o111 != 0 } ?? false
            let place = switch path.split(separator: "/")[1] {
            case "systemd" where rest.hasSuffix(".tmpfiles"): "/usr/local/lib/tmpfiles.d/\(rest.dropLast(".tmpfiles".count)).conf"
            case "systemd" where executable: "/usr/local/libexec/wear/\(rest)"
            case "systemd": "/usr/local/lib/systemd/system/\(rest)"
            case "nginx": "/etc/nginx/wear/\(rest)"
            case "rules": "/etc/wear/rules/\(rest)"
            default: "/usr/local/share/wear/monitoring/\(rest)"
            }
            #expect(chroot.exists(place), "\(path) not installed at \(place)")
            #expect(!executable || chroot.isExecutable(place), "\(place) is not executable")
        }
    }

    /// The binaries need no Swift toolchain, and the install started nothing.
    func expectNoSwiftAndNothingRunning(_ chroot: Chroot) throws {
        let swift = try run("/usr/bin/find", [chroot.root.path, "-xdev", "(", "-name", "libswiftCore.so*", "-o", "-name", "libFoundation*.so*",
                                              "-o", "-name", "swift", ")", "-print"], seconds: 120)
        #expect(swift.stdoutText.isEmpty, "a Swift runtime in the root: \(swift.stdoutText)")
        let ldd = try chroot.bash("for b in /usr/local/bin/wear*; do ldd \"$b\"; done")
        #expect(ldd.status == 0 && !ldd.stdoutText.contains("not found") && !ldd.stdoutText.contains("libswift"), "\(ldd.stdoutText)")
        let inside = try run("/bin/sh", ["-c", "for p in /proc/[0-9]*; do [ \"$(readlink $p/root)\" = '\(chroot.root.path)' ] && cat $p/comm; done; true"])
        #expect(inside.stdoutText.isEmpty, "processes left running in the root: \(inside.stdoutText)")
    }

    /// A sealed fleet through decrypt | filter | score | alert inside the root,
    /// with the installed rules: each ledger balances and each stage gets what
    /// the one before it let through.
    func expectPipelineBalances(_ chroot: Chroot) throws {
        let result = try chroot.bash("""
            mkdir -p /root/run && cd /root/run && umask 077
            wear keys new --out master.key 2> /dev/null
            wear keys new --out pseudonym.key 2> /dev/null
            wear sim --devices 40 --duration 3m --seed 3 --attacks all --master-key master.key --labels labels.ndjson \
              | tee sealed.ndjson \
              | wear-decrypt --master-key master.key --rejects decrypt.rejects 2> decrypt.err \
              | wear-filter --rules /etc/wear/rules/default.rules --rejects filter.rejects 2> filter.err \
              | wear-score --rejects score.rejects 2> score.err \
              | wear-alert --sink stdout --pseudonym-key pseudonym.key --rejects alert.rejects 2> alert.err > receipts.ndjson
            """, seconds: 300)
        #expect(result.status == 0, "the pipeline in the root: \(result.stderrText)")
        var summaries: [LedgerSummary] = []
        for stage in ["decrypt", "filter", "score", "alert"] {
            let stderr = try chroot.text("/root/run/\(stage).err")
            let rejects = try Data(contentsOf: chroot.path("/root/run/\(stage).rejects"))
            let summary = try LedgerSummary.parse(stderr: stderr, stage: "wear-\(stage)")
            #expect(summary.balances, "wear-\(stage): \(summary)")
            #expect(rejects.filter { $0 == 0x0A }.count == summary.rejected, "wear-\(stage): rejects file vs summary")
            summaries.append(summary)
        }
        try #require(summaries.count == 4)
        let sealed = try Data(contentsOf: chroot.path("/root/run/sealed.ndjson")).filter { $0 == 0x0A }.count
        #expect(sealed > 1000 && summaries[0].recordsIn == sealed)
        for (before, after) in zip(summaries, summaries.dropFirst()) { #expect(after.recordsIn == before.recordsOut) }
    }

    /// systemd-analyze verify --root on what install.sh put in the root: the
    /// release's units (templates aside), nginx's and the node exporter's,
    /// with install.sh's drop-ins and the wear- prefix drop-in, and `extra`;
    /// it also checks that every command they run is there and executable.
    func expectUnitsVerify(_ chroot: Chroot, including extra: [String] = []) throws {
        let folder = chroot.path("/usr/local/lib/systemd/system")
        let shipped = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let units = shipped.filter { ($0.hasSuffix(".service") || $0.hasSuffix(".socket")) && !$0.contains("@.") }.sorted()
        let all = Array(Set(["nginx.service", "prometheus-node-exporter.service"] + units + extra)).sorted()
        let result = try run("/usr/bin/systemd-analyze", ["verify", "--root=\(chroot.root.path)"] + all, seconds: 120)
        #expect(result.status == 0, "systemd-analyze verify --root \(all): \(result.stdoutText)\(result.stderrText)")
        #expect(!result.stderrText.contains("wear"), "warnings about the wear units or drop-ins: \(result.stderrText)")
    }

    /// Two throwaway units in the release's pipelines/systemd (and its
    /// SHA256SUMS remade): a service with [Install], its socket, a template.
    func addThrowawayUnits(to chroot: Chroot, release name: String) throws {
        let result = try chroot.bash("""
            cd /root && rm -rf \(name) && tar -xzf \(name).tar.gz && cd \(name)
            mkdir -p pipelines/systemd
            cat > pipelines/systemd/wear-probe.socket << 'EOF'
            [Unit]
            Description=wear install test: a FIFO
            [Socket]
            ListenFIFO=/run/wear-probe/in.fifo
            RemoveOnStop=yes
            [Install]
            WantedBy=sockets.target
            EOF
            cat > pipelines/systemd/wear-probe.service << 'EOF'
            [Unit]
            Description=wear install test: wear-filter on the FIFO
            Requires=wear-probe.socket
            [Service]
            ExecStart=/usr/local/bin/wear-filter --rules /etc/wear/rules/default.rules
            StandardInput=socket
            StandardOutput=journal
            DynamicUser=yes
            StateDirectory=wear-probe
            [Install]
            WantedBy=multi-user.target
            EOF
            cat > pipelines/systemd/wear-probe@.service << 'EOF'
            [Unit]
            Description=wear install test: a template, never enabled
            [Service]
            ExecStart=/usr/local/bin/wear --version
            EOF
            find . -type f ! -name SHA256SUMS -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum > SHA256SUMS
            """)
        try #require(result.status == 0, "adding throwaway units: \(result.stderrText)")
    }
}

/// The release tarball the chroot test installs: $WEAR_RELEASE_TARBALL, or dist/wear-x86-64-v3.tar.gz.
func releaseTarballPath() -> String {
    ProcessInfo.processInfo.environment["WEAR_RELEASE_TARBALL"] ?? repositoryFile("dist/wear-x86-64-v3.tar.gz").path
}
