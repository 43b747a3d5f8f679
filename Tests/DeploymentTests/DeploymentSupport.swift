import Foundation
import Testing
import WearTesting

/// The repository, found relative to this source file: the scripts under
/// test (packer/scripts, scripts/) run from it.
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func repositoryFile(_ path: String) -> URL { repository.appendingPathComponent(path) }

/// Runs `command` with `arguments` under coreutils' `timeout` (killed with
/// SIGKILL `seconds` after it started), so no test waits without bound.
func run(_ command: String, _ arguments: [String], seconds: Int = 60, input: Data = Data(),
         directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    try ProcessRun.run(URL(fileURLWithPath: "/usr/bin/timeout"), ["--signal=KILL", "\(seconds)", command] + arguments,
                       input: input, directory: directory, environment: environment)
}

/// `run` for a bash script (`set -euo pipefail`), for pipelines.
func bash(_ script: String, seconds: Int = 60, directory: URL? = nil) throws -> ProcessResult {
    try run("/bin/bash", ["-c", "set -euo pipefail\n" + script], seconds: seconds, directory: directory)
}

/// Fails the test with a clear message when a tool the test needs is missing
/// (scripts/deps.sh installs each one; CI always has them).
func requireTool(_ name: String, package: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let found = ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"].contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
    try #require(found, "\(name) is not installed: apt-get install \(package) (scripts/deps.sh does)", sourceLocation: sourceLocation)
}

/// The flags of /proc/cpuinfo's kind for the CPUs the tests pretend to be.
enum CPUFlags {
    /// An AVX2 x86-64 without any AMD extension: x86-64-v3, nothing more.
    static let haswell = """
        fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall \
        nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology cpuid pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 \
        x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm invpcid_single fsgsbase bmi1 avx2 smep bmi2 \
        erms invpcid xsaveopt arat
        """
    /// An AMD EPYC 7003 (Zen 3, Milan) guest: this machine's flags.
    static let zen3 = """
        fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx \
        mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid \
        tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave \
        avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext ssbd \
        ibrs ibpb stibp vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb \
        sha_ni xsaveopt xsavec xgetbv1 xsaves clzero xsaveerptr wbnoinvd arat umip pku ospke vaes vpclmulqdq rdpid fsrm
        """
    /// An AMD EPYC 9004 (Zen 4, Genoa) guest: Zen 3's and AVX-512 with GFNI.
    static let zen4 = zen3 + """
         avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512_bf16 avx512vbmi avx512_vbmi2 gfni avx512_vnni \
        avx512_bitalg avx512_vpopcntdq la57 flush_l1d
        """
    /// A Sandy Bridge: AVX without AVX2, BMI or FMA.
    static let sandyBridge = """
        fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss syscall nx \
        rdtscp lm constant_tsc rep_good nopl xtopology cpuid pni pclmulqdq ssse3 cx16 pcid sse4_1 sse4_2 x2apic popcnt \
        aes xsave avx hypervisor lahf_lm xsaveopt arat
        """

    /// A /proc/cpuinfo with `processors` processors, processor n with `flags(n)`.
    static func cpuinfo(model: String, family: Int, processors: Int = 2, flags: (Int) -> String) -> String {
        (0..<processors).map { n in
            """
            processor\t: \(n)
            vendor_id\t: AuthenticAMD
            cpu family\t: \(family)
            model\t\t: 1
            model name\t: \(model)
            flags\t\t: \(flags(n))

            """
        }.joined(separator: "\n")
    }
}

/// A release folder in the shape scripts/release.sh makes (manifest.json
/// written by Python's json.dump with indent=2, SHA256SUMS of every file
/// including the manifest, share/cpu-targets),
/// with a stand-in binary: for the checks of install.sh, which read only those.
func makeRelease(in folder: URL, target: String) throws -> URL {
    let release = folder.appendingPathComponent("wear-0.1.0-abc1234-\(target)")
    let script = """
        root="$1" target="$2"
        mkdir -p "$root/bin" "$root/share"
        printf '#!/bin/sh\\necho "wear 0.1.0 (abc1234)"\\n' > "$root/bin/wear"
        chmod 0755 "$root/bin/wear"
        cp '\(repositoryFile("scripts/cpu-targets").path)' "$root/share/cpu-targets"
        flags=$(sed -n "s/^$target: //p" "$root/share/cpu-targets")
        [ -n "$flags" ]
        python3 - "$root" "$target" $flags << 'EOF'
        import json, sys
        root, target, *flags = sys.argv[1:]
        manifest = {"name": "wear", "version": "0.1.0", "commit": "abc1234", "target_cpu": target,
                    "required_cpu_flags": flags, "runtime_packages": ["libc6"], "files": []}
        json.dump(manifest, open(root + "/manifest.json", "w"), indent=2)
        EOF
        (cd "$root" && sha256sum bin/wear share/cpu-targets manifest.json > SHA256SUMS)
        """
    let result = try run("/bin/bash", ["-c", "set -euo pipefail\n" + script, "make-release", release.path, target])
    try #require(result.status == 0, "making the test release: \(result.stderrText)")
    return release
}
