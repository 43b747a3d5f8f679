import Foundation
import Testing
import WearTesting

/// packer/scripts/images.sh on a manifest in the shape Packer 1.6.6's
/// manifest post-processor writes (one entry per build, wear.pkr.hcl's
/// custom_data, qemu files with strip_path, AMI ids by region).
@Suite struct ImagesScriptTests {
    let images = repositoryFile("packer/scripts/images.sh").path

    static func build(_ source: String, time: Int, version: String, commit: String, cpu: String, artifact: String) -> String {
        let image = "wear-\(version)-\(commit)-\(cpu)-T\(time)"
        let files = source == "qemu" ? #"[{"name": "\#(image).qcow2", "size": 912261120}]"# : "null"
        return """
            {"name": "wear", "builder_type": "\(source)", "build_time": \(time), "files": \(files),
             "artifact_id": "\(artifact)", "packer_run_uuid": "run-\(time)",
             "custom_data": {"image": "\(image)", "wear_version": "\(version)", "wear_commit": "\(commit)",
                             "wear_cpu": "\(cpu)", "release": "wear-\(version)-\(commit)-\(cpu).tar.gz", "release_sha256": "00"}}
            """
    }

    /// Three AMI builds and two qcow2 builds, written out of time order.
    static let manifest = """
        {"builds": [
        \(build("amazon-ebs", time: 1_764_700_000, version: "0.2.0", commit: "def5678", cpu: "znver4", artifact: "eu-central-1:ami-0ccc")),
        \(build("amazon-ebs", time: 1_764_000_000, version: "0.1.0", commit: "abc1234", cpu: "znver4", artifact: "eu-central-1:ami-0aaa,eu-west-1:ami-0bbb")),
        \(build("qemu", time: 1_764_100_000, version: "0.1.0", commit: "abc1234", cpu: "znver3", artifact: "VM")),
        \(build("amazon-ebs", time: 1_764_800_000, version: "0.2.0", commit: "def5678", cpu: "x86-64-v3", artifact: "eu-central-1:ami-0ddd")),
        \(build("qemu", time: 1_764_900_000, version: "0.2.1", commit: "0badf00", cpu: "znver3", artifact: "VM"))
        ], "last_run_uuid": "run-1764900000"}
        """

    func images(_ arguments: [String], manifest: String = ImagesScriptTests.manifest) throws -> ProcessResult {
        try requireTool("jq", package: "jq")
        let scratch = try TemporaryDirectory()
        try Data(manifest.utf8).write(to: scratch.file("packer-manifest.json"))
        return try run(images, ["--manifest", scratch.file("packer-manifest.json").path] + arguments)
    }

    @Test func listShowsEveryImageOldestFirst() throws {
        let result = try images(["list"])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutLines == [
            "2025-11-24T16:00:00Z  wear-0.1.0-abc1234-znver4-T1764000000  amazon-ebs  eu-central-1:ami-0aaa,eu-west-1:ami-0bbb",
            "2025-11-25T19:46:40Z  wear-0.1.0-abc1234-znver3-T1764100000  qemu  wear-0.1.0-abc1234-znver3-T1764100000.qcow2",
            "2025-12-02T18:26:40Z  wear-0.2.0-def5678-znver4-T1764700000  amazon-ebs  eu-central-1:ami-0ccc",
            "2025-12-03T22:13:20Z  wear-0.2.0-def5678-x86-64-v3-T1764800000  amazon-ebs  eu-central-1:ami-0ddd",
            "2025-12-05T02:00:00Z  wear-0.2.1-0badf00-znver3-T1764900000  qemu  wear-0.2.1-0badf00-znver3-T1764900000.qcow2",
        ])
        let filtered = try images(["--source", "amazon-ebs", "--cpu", "znver4", "list"])
        #expect(filtered.stdoutLines.count == 2 && filtered.stdoutLines.allSatisfy { $0.contains("-znver4-") })
    }

    @Test func latestAndPreviousRollForwardAndBack() throws {
        let latest = try images(["--source", "amazon-ebs", "--cpu", "znver4", "select", "latest"])
        #expect(latest.status == 0 && latest.stdoutLines == ["ami-0ccc"], "\(latest.stderrText)")
        #expect(latest.stderrText.contains("wear-0.2.0-def5678-znver4-T1764700000"))
        let previous = try images(["--source", "amazon-ebs", "--cpu", "znver4", "--region", "eu-west-1", "select", "previous"])
        #expect(previous.status == 0 && previous.stdoutLines == ["ami-0bbb"], "\(previous.stderrText)")
        let qemu = try images(["--source", "qemu", "--images-dir", "/srv/images", "select", "previous"])
        #expect(qemu.stdoutLines == ["/srv/images/wear-0.1.0-abc1234-znver3-T1764100000/wear-0.1.0-abc1234-znver3-T1764100000.qcow2"],
                "\(qemu.stderrText)")
    }

    @Test func selectByVersionCommitOrName() throws {
        #expect(try images(["--source", "amazon-ebs", "--cpu", "znver4", "select", "0.1.0"]).status == 64,
                "two regions: --region is needed")
        #expect(try images(["--source", "amazon-ebs", "--region", "eu-central-1", "select", "0.1.0"]).stdoutLines == ["ami-0aaa"])
        // The newest image of a version or commit: 0.2.0 has a znver4 and a later x86-64-v3 AMI.
        #expect(try images(["--source", "amazon-ebs", "select", "0.2.0"]).stdoutLines == ["ami-0ddd"])
        #expect(try images(["--source", "amazon-ebs", "--cpu", "znver4", "select", "def5"]).stdoutLines == ["ami-0ccc"])
        #expect(try images(["--source", "qemu", "select", "wear-0.1.0-abc1234-znver3-T1764100000"]).stdoutLines
                == ["dist/images/wear-0.1.0-abc1234-znver3-T1764100000/wear-0.1.0-abc1234-znver3-T1764100000.qcow2"])
    }

    @Test func whatCannotBeSelectedIsAnError() throws {
        let missing = try images(["--source", "amazon-ebs", "select", "9.9.9"])
        #expect(missing.status == 1 && missing.stdout.isEmpty)
        #expect(missing.stderrText.contains("no image '9.9.9'"), "\(missing.stderrText)")
        let mixed = try images(["select", "latest"])
        #expect(mixed.status == 64 && mixed.stderrText.contains("say --source"), "\(mixed.stderrText)")
        let noRegion = try images(["--source", "amazon-ebs", "--region", "us-east-1", "select", "latest"])
        #expect(noRegion.status == 1 && noRegion.stderrText.contains("no AMI in us-east-1"), "\(noRegion.stderrText)")
        let one = try images(["--source", "qemu", "--cpu", "znver3", "select", "previous"])
        #expect(one.status == 0)
        let none = try images(["--source", "qemu", "--cpu", "znver4", "select", "latest"])
        #expect(none.status == 1)
        #expect(try images(["list"], manifest: "not json").status == 66)
        #expect(try images(["select"]).status == 64)
        #expect(try run(images, ["--manifest", "/nonexistent/manifest.json", "list"]).status == 66)
    }
}
