import Foundation
import Testing
import WearTesting

/// packer/wear.pkr.hcl with Debian's packer 1.6.6 (built-in qemu and amazon
/// builders: nothing is downloaded). validate stats the release tarball and
/// reads its .sha256, so it gets a stand-in named as scripts/release.sh names
/// tarballs. It would download Debian's SHA512SUMS for the qemu image's
/// default checksum (cloud.debian.org, which these machines cannot resolve),
/// so the checksum is set to none here: a build keeps the default.
@Suite struct PackerTemplateTests {
    func packer(_ arguments: [String]) throws -> ProcessResult {
        try requireTool("packer", package: "packer")
        return try run("/usr/bin/packer", arguments, seconds: 120, directory: repository,
                       environment: ["CHECKPOINT_DISABLE": "1", "PACKER_NO_COLOR": "1"])
    }

    func standInTarball(named name: String, in scratch: TemporaryDirectory) throws -> URL {
        let tarball = scratch.file(name)
        try Data("stand-in".utf8).write(to: tarball)
        try Data("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  \(name)\n".utf8)
            .write(to: scratch.file(name + ".sha256"))
        return tarball
    }

    @Test func theTemplateValidatesWithBothSources() throws {
        let scratch = try TemporaryDirectory()
        for name in ["wear-0.1.0-abc1234-znver4.tar.gz", "wear-0.1.0-abc1234-dirty-x86-64-v3.tar.gz"] {
            let tarball = try standInTarball(named: name, in: scratch)
            let result = try packer(["validate", "-var", "release_tarball=\(tarball.path)",
                                     "-var", "debian_image_checksum=none", "packer/"])
            #expect(result.status == 0, "\(name): \(result.stdoutText)\(result.stderrText)")
        }
        let vars = try packer(["validate", "-var-file=packer/example.pkrvars.hcl",
                               "-var", "release_tarball=\(try standInTarball(named: "wear-0.1.0-abc1234-znver4.tar.gz", in: scratch).path)",
                               "-var", "debian_image_checksum=none", "packer/"])
        #expect(vars.status == 0, "example.pkrvars.hcl: \(vars.stdoutText)\(vars.stderrText)")
    }

    @Test func aTarballNotNamedByTheReleaseIsRefused() throws {
        let scratch = try TemporaryDirectory()
        let tarball = try standInTarball(named: "wear-latest.tar.gz", in: scratch)
        let result = try packer(["validate", "-var", "release_tarball=\(tarball.path)", "-var", "debian_image_checksum=none", "packer/"])
        #expect(result.status != 0)
        #expect((result.stdoutText + result.stderrText).contains("must be named wear-VERSION-COMMIT-CPU.tar.gz"),
                "\(result.stdoutText)\(result.stderrText)")
    }

    @Test func theTemplateIsFormatted() throws {
        let result = try packer(["fmt", "-check", "packer/"])
        #expect(result.status == 0, "packer fmt would change: \(result.stdoutText)\(result.stderrText)")
    }
}
