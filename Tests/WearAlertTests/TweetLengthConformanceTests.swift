import Foundation
import Testing
import WearAlert
import Yams

/// twitter-text's own conformance cases (Tests/Fixtures/conformance, copied
/// unchanged from twitter/twitter-text): every case of the config v3
/// sections must give the expected length, validity, permillage and ranges.
/// A missing or unreadable file fails the suite; it never skips.
@Suite struct TweetLengthConformanceTests {
    /// One case of a weighted-length section.
    struct Case {
        var description: String
        var text: String
        var weightedLength: Int
        var valid: Bool
        var permillage: Int
        var displayRange: ClosedRange<Int>
        var validRange: ClosedRange<Int>
    }

    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/conformance/twitter-text-validate.yml")

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }

    static func cases(section: String) throws -> [Case] {
        let yaml = try String(contentsOf: file, encoding: .utf8)
        guard let root = try Yams.load(yaml: yaml) as? [String: Any],
              let tests = root["tests"] as? [String: Any] else {
            throw FixtureError(description: "\(file.path): no 'tests' mapping")
        }
        guard let entries = tests[section] as? [[String: Any]] else {
            throw FixtureError(description: "\(file.path): no section \(section)")
        }
        return try entries.map { entry in
            guard let description = entry["description"] as? String, let text = entry["text"] as? String,
                  let expected = entry["expected"] as? [String: Any],
                  let weighted = expected["weightedLength"] as? Int, let valid = expected["valid"] as? Bool,
                  let permillage = expected["permillage"] as? Int,
                  let displayStart = expected["displayRangeStart"] as? Int,
                  let displayEnd = expected["displayRangeEnd"] as? Int,
                  let validStart = expected["validRangeStart"] as? Int,
                  let validEnd = expected["validRangeEnd"] as? Int else {
                throw FixtureError(description: "\(file.path): a case of \(section) lacks a field: \(entry)")
            }
            return Case(description: description, text: text, weightedLength: weighted, valid: valid,
                        permillage: permillage, displayRange: displayStart...displayEnd,
                        validRange: validStart...validEnd)
        }
    }

    @Test(arguments: ["WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest"])
    func everyConfigV3CasePasses(_ section: String) throws {
        let cases = try Self.cases(section: section)
        try #require(cases.count > 0)
        if section == "WeightedTweetsWithDiscountedEmojiCounterTest" { #expect(cases.count == 22) }
        for c in cases {
            let result = TweetLength.parse(c.text)
            let name = Comment(rawValue: c.description)
            #expect(result.weightedLength == c.weightedLength, name)
            #expect(result.isValid == c.valid, name)
            #expect(result.permillage == c.permillage, name)
            #expect(result.displayRange == c.displayRange, name)
            #expect(result.validRange == c.validRange, name)
            #expect(TweetLength.weightedLength(of: c.text) == c.weightedLength, name)
            #expect(TweetLength.isValid(c.text) == c.valid, name)
        }
    }

    @Test func theFixtureIsTheUpstreamFileUnchanged() throws {
        let bytes = try Data(contentsOf: Self.file)
        #expect(bytes.count == 58_496)
        let license = Self.file.deletingLastPathComponent().appendingPathComponent("twitter-text-LICENSE")
        #expect(FileManager.default.fileExists(atPath: license.path))
    }
}
