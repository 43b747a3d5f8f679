import Foundation
import Testing
import WearTesting

/// Help examples are commands people copy: they must never be broken
/// across lines, whatever the terminal's width (argument-parser wraps
/// long lines at it; each example line stays under 78 columns instead).
@Suite struct HelpExamplesTests {
    static let commands = [["wear-decrypt"], ["wear-filter"], ["wear-score"], ["wear-alert"], ["wear"],
                           ["wear", "keys"], ["wear", "keys", "new"], ["wear", "keys", "derive"],
                           ["wear", "keys", "export"], ["wear", "seal"], ["wear", "sim"], ["wear", "eval"]]

    static func examples(_ command: [String], columns: Int) throws -> [String] {
        let result = try ProcessRun.run(try Binaries.url(of: command[0]), Array(command.dropFirst()) + ["--help"],
                                        environment: ["COLUMNS": "\(columns)"])
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0 == "Examples:" || $0 == "Example:" }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("USAGE:") })
    }

    @Test(arguments: commands)
    func examplesReadTheSameAt80ColumnsAsInAWideTerminal(_ command: [String]) throws {
        let narrow = try Self.examples(command, columns: 80)
        #expect(!narrow.isEmpty, "\(command) --help has no examples")
        #expect(narrow == (try Self.examples(command, columns: 250)))
        for line in narrow {
            #expect(line.count <= 78, "\(command): \(line)")
        }
    }
}
