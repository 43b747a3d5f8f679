import Foundation
import Testing
import WearTesting

/// What a user sees for a mistake on the command line: the real mistake
/// first, one line, and the help of the command they ran.
@Suite struct UsageErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let binary: String
        let arguments: [String]
        let stderr: String
        var testDescription: String { ([binary] + arguments).joined(separator: " ") }
    }

    static let cases = [
        Case(binary: "wear-decrypt", arguments: ["--master-kye", "k"], stderr: """
            wear-decrypt: error: Unknown option '--master-kye'. Did you mean '--master-key'?
            See 'wear-decrypt --help' for more information.
            """),
        Case(binary: "wear", arguments: ["seal", "--bogus"], stderr: """
            wear: error: Unknown option '--bogus'
            See 'wear seal --help' for more information.
            """),
        Case(binary: "wear", arguments: ["sim", "--plain", "--devices", "-1"], stderr: """
            wear sim: error: --devices must be 1 to 9999999, found -1
            See 'wear sim --help' for more information.
            """),
        // Without --plain and without keys: the range error still comes first.
        Case(binary: "wear", arguments: ["sim", "--devices", "-1"], stderr: """
            wear sim: error: --devices must be 1 to 9999999, found -1
            See 'wear sim --help' for more information.
            """),
        Case(binary: "wear", arguments: ["sim", "--plain", "--duration", "abc"], stderr: """
            wear: error: The value 'abc' is invalid for '--duration <duration>': expected a duration such as 90s, 10m or 2h, found 'abc'
            See 'wear sim --help' for more information.
            """),
        Case(binary: "wear", arguments: ["sim", "--plain", "--duration", "90"], stderr: """
            wear: error: The value '90' is invalid for '--duration <duration>': '90' needs a unit: ms, s, m, h or d (e.g. 90s)
            See 'wear sim --help' for more information.
            """),
        Case(binary: "wear", arguments: ["sim", "--plain", "--devices", "0"], stderr: """
            wear sim: error: --devices must be 1 to 9999999, found 0
            See 'wear sim --help' for more information.
            """),
        Case(binary: "wear", arguments: ["eval", "--labels", "l", "--threshold", "-0.5"], stderr: """
            wear: error: --threshold must be between 0 and 1, found -0.5
            See 'wear eval --help' for more information.
            """),
    ]

    @Test(arguments: cases)
    func theRealMistakeIsNamedWithTheSubcommandsHelp(_ testCase: Case) throws {
        let result = try ProcessRun.run(try Binaries.url(of: testCase.binary), testCase.arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText == testCase.stderr + "\n")
    }

    /// swift-log traps on a second bootstrap: this run used to die with SIGILL (132).
    @Test func aFailureAfterANoticeLogsBothAndExitsWithItsStatus() throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear"), [
            "sim", "--plain", "--attacks", "all", "--devices", "50", "--duration", "2s", "--labels", "/nonexistent/x",
        ])
        #expect(!result.signaled)
        #expect(result.status == 74)
        #expect(result.stderrText == """
            wear sim: notice: --plain: leaving out bad_key and bit_flip, which need envelopes
            wear sim: error: cannot write /nonexistent/x: No such file or directory

            """)
    }
}
