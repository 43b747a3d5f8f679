import Foundation
import Testing
import WearTesting

/// packer/scripts/install.sh --check: the release's files against its
/// SHA256SUMS and the CPU against the manifest's required flags, on fake
/// /proc/cpuinfo files. A refusal changes nothing and says why.
@Suite struct InstallCheckTests {
    let install = repositoryFile("packer/scripts/install.sh").path

    func check(_ release: URL, cpuinfo: String, in scratch: TemporaryDirectory) throws -> ProcessResult {
        let file = scratch.file("cpuinfo-\(UUID().uuidString)")
        try Data(cpuinfo.utf8).write(to: file)
        return try run(install, ["--check", "--cpuinfo", file.path, release.path])
    }

    @Test func aZen4BuildIsRefusedOnZen3AndSaysWhichBuildsItRuns() throws {
        let scratch = try TemporaryDirectory()
        let release = try makeRelease(in: scratch.url, target: "znver4")
        let zen3 = CPUFlags.cpuinfo(model: "AMD EPYC 7B13 64-Core Processor", family: 25) { _ in CPUFlags.zen3 }
        let result = try check(release, cpuinfo: zen3, in: scratch)
        #expect(result.status == 1)
        #expect(result.stderrText.contains("refusing wear 0.1.0 (abc1234) built for znver4"), "\(result.stderrText)")
        #expect(result.stderrText.contains("(AMD EPYC 7B13 64-Core Processor, family 25) lacks avx512f avx512cd"), "\(result.stderrText)")
        #expect(result.stderrText.contains("runs the x86-64-v3 znver1 znver2 znver3 builds"), "\(result.stderrText)")
        // Exactly what Zen 3 lacks of Zen 4: AVX-512 and GFNI.
        #expect(result.stderrText.contains("avx512_vpopcntdq avx512_bf16 gfni.\n"), "\(result.stderrText)")
    }

    @Test func aZen4BuildPassesOnZen4AndZen3BuildsPassOnBoth() throws {
        let scratch = try TemporaryDirectory()
        let zen4 = CPUFlags.cpuinfo(model: "AMD EPYC 9R14 96-Core Processor", family: 25) { _ in CPUFlags.zen4 }
        let zen3 = CPUFlags.cpuinfo(model: "AMD EPYC 7B13 64-Core Processor", family: 25) { _ in CPUFlags.zen3 }
        for (target, cpuinfo) in [("znver4", zen4), ("znver3", zen4), ("znver3", zen3), ("x86-64-v3", zen3)] {
            let release = try makeRelease(in: scratch.url.appendingPathComponent(UUID().uuidString), target: target)
            let result = try check(release, cpuinfo: cpuinfo, in: scratch)
            #expect(result.status == 0, "\(target): \(result.stderrText)")
            #expect(result.stderrText.contains("built for \(target): files intact, this CPU has the"), "\(result.stderrText)")
        }
    }

    @Test func theGenericBuildRunsOnAnyAVX2CPUButNotOnSandyBridge() throws {
        let scratch = try TemporaryDirectory()
        let release = try makeRelease(in: scratch.url, target: "x86-64-v3")
        let haswell = CPUFlags.cpuinfo(model: "Intel(R) Xeon(R) CPU E5-2676 v3", family: 6) { _ in CPUFlags.haswell }
        #expect(try check(release, cpuinfo: haswell, in: scratch).status == 0)
        let sandy = CPUFlags.cpuinfo(model: "Intel(R) Xeon(R) CPU E5-2670", family: 6) { _ in CPUFlags.sandyBridge }
        let result = try check(release, cpuinfo: sandy, in: scratch)
        #expect(result.status == 1)
        #expect(result.stderrText.contains("lacks avx2 bmi1 bmi2 f16c fma abm movbe."), "\(result.stderrText)")
        #expect(result.stderrText.contains("runs none of the release targets"), "\(result.stderrText)")
    }

    @Test func aFlagMissingOnOneProcessorCounts() throws {
        let scratch = try TemporaryDirectory()
        let release = try makeRelease(in: scratch.url, target: "znver3")
        let mixed = CPUFlags.cpuinfo(model: "AMD EPYC 7B13", family: 25, processors: 4) { n in
            n == 3 ? CPUFlags.zen3.replacingOccurrences(of: " vaes ", with: " ") : CPUFlags.zen3
        }
        let result = try check(release, cpuinfo: mixed, in: scratch)
        #expect(result.status == 1)
        #expect(result.stderrText.contains("lacks vaes."), "\(result.stderrText)")
    }

    @Test func aCPUWithoutX86FlagsIsRefused() throws {
        let scratch = try TemporaryDirectory()
        let release = try makeRelease(in: scratch.url, target: "x86-64-v3")
        let arm = "processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\nCPU implementer\t: 0x41\n"
        let result = try check(release, cpuinfo: arm, in: scratch)
        #expect(result.status == 1)
        #expect(result.stderrText.contains("has no 'flags' line: not an x86-64 CPU"), "\(result.stderrText)")
    }

    @Test func aChangedFileIsRefusedBeforeTheCPUIsLookedAt() throws {
        let scratch = try TemporaryDirectory()
        let release = try makeRelease(in: scratch.url, target: "x86-64-v3")
        let binary = release.appendingPathComponent("bin/wear")
        try Data("#!/bin/sh\necho tampered\n".utf8).write(to: binary)
        let zen3 = CPUFlags.cpuinfo(model: "AMD EPYC 7B13", family: 25) { _ in CPUFlags.zen3 }
        let result = try check(release, cpuinfo: zen3, in: scratch)
        #expect(result.status == 1)
        #expect(result.stderrText.contains("files differ from SHA256SUMS"), "\(result.stderrText)")
        #expect(result.stderrText.contains("bin/wear: FAILED"), "\(result.stderrText)")
    }

    /// The manifest is covered too: a znver4 build relabelled x86-64-v3 would
    /// otherwise pass the CPU check on a Zen 3.
    @Test func aChangedManifestIsRefused() throws {
        let scratch = try TemporaryDirectory()
        let release = try makeRelease(in: scratch.url, target: "znver4")
        let manifest = release.appendingPathComponent("manifest.json")
        let relabelled = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: "\"znver4\"", with: "\"x86-64-v3\"")
        try Data(relabelled.utf8).write(to: manifest)
        let zen3 = CPUFlags.cpuinfo(model: "AMD EPYC 7B13", family: 25) { _ in CPUFlags.zen3 }
        let result = try check(release, cpuinfo: zen3, in: scratch)
        #expect(result.status == 1)
        #expect(result.stderrText.contains("manifest.json: FAILED"), "\(result.stderrText)")
    }

    @Test func aReleaseAsATarballIsCheckedTheSameWay() throws {
        let scratch = try TemporaryDirectory()
        let release = try makeRelease(in: scratch.url, target: "znver4")
        let tarball = scratch.file("wear-0.1.0-abc1234-znver4.tar.gz")
        let packed = try run("/bin/tar", ["-czf", tarball.path, "-C", scratch.url.path, release.lastPathComponent])
        try #require(packed.status == 0, "\(packed.stderrText)")
        let zen3 = CPUFlags.cpuinfo(model: "AMD EPYC 7B13", family: 25) { _ in CPUFlags.zen3 }
        let refused = try check(tarball, cpuinfo: zen3, in: scratch)
        #expect(refused.status == 1 && refused.stderrText.contains("lacks avx512f"), "\(refused.stderrText)")
        let zen4 = CPUFlags.cpuinfo(model: "AMD EPYC 9R14", family: 25) { _ in CPUFlags.zen4 }
        #expect(try check(tarball, cpuinfo: zen4, in: scratch).status == 0)
        let garbage = scratch.file("wear-0.1.0-abc1234-x86-64-v3.tar.gz")
        try Data("not a tarball".utf8).write(to: garbage)
        let bad = try check(garbage, cpuinfo: zen4, in: scratch)
        #expect(bad.status == 1 && bad.stderrText.contains("not a readable .tar.gz"), "\(bad.stderrText)")
    }

    @Test func usageErrorsExit64() throws {
        #expect(try run(install, []).status == 64)
        #expect(try run(install, ["--bogus", "x"]).status == 64)
        #expect(try run(install, ["a.tar.gz", "b.tar.gz"]).status == 64)
        #expect(try run(install, ["--data-label", "no spaces allowed", "a.tar.gz"]).status == 64)
    }
}

/// scripts/cpu-targets: every target's name is a CPU this toolchain knows,
/// and each EPYC generation needs what the one before it needs.
@Suite struct CPUTargetsTests {
    func targets() throws -> [(name: String, flags: Set<String>)] {
        let text = try String(contentsOf: repositoryFile("scripts/cpu-targets"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(": ") }.map { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), Set(parts[1].split(separator: " ").map(String.init)))
        }
    }

    @Test func everyTargetIsACPUTheCompilerKnows() throws {
        let clang = try run("/usr/bin/env", ["clang", "--print-supported-cpus"], seconds: 60)
        try #require(clang.status == 0, "clang (the Swift toolchain's) --print-supported-cpus: \(clang.stderrText)")
        let known = Set((clang.stdoutText + clang.stderrText).split(whereSeparator: \.isWhitespace).map(String.init))
        let names = try targets().map(\.name)
        #expect(names == ["x86-64-v3", "znver1", "znver2", "znver3", "znver4", "znver5"])
        for name in names { #expect(known.contains(name), "clang does not know -march=\(name)") }
    }

    @Test func eachGenerationNeedsWhatTheOneBeforeItNeeds() throws {
        let list = try targets()
        for (before, after) in zip(list, list.dropFirst()) {
            #expect(before.flags.isSubset(of: after.flags), "\(after.name) lacks \(before.flags.subtracting(after.flags).sorted()) of \(before.name)")
            #expect(after.flags.count > before.flags.count)
        }
        let v3 = try #require(list.first)
        #expect(v3.flags.isSuperset(of: ["avx2", "bmi1", "bmi2", "fma", "movbe", "abm", "f16c", "avx", "sse4_2", "popcnt"]))
        let zen4 = try #require(list.first { $0.name == "znver4" })
        #expect(zen4.flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx512_bf16"]))
    }
}
