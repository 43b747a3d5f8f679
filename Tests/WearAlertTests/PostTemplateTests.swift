import Testing
import WearCore
@testable import WearAlert

/// Template files: what parses, the pinned load-time errors, rendering with
/// the hashtag and the cut.
@Suite struct PostTemplateTests {
    static func parse(_ text: String, kind: PostTemplate.Kind = .incident) throws(ConfigError) -> PostTemplate {
        try PostTemplate.parse(Array(text.utf8), file: "t.tmpl", kind: kind)
    }

    static let incident = IncidentPost(
        pseudonym: "KQ4DFA2B", category: .tamper, severity: .high, opened: 1_764_770_400_000 + 1_234_567,
        count: 3, why: [WhyItem(feature: "acc", kind: "change"), WhyItem(feature: "hr", kind: "level")].compactMap { $0 },
        status: .opened)!

    static let digest = DigestPost(counts: [.tamper: 5, .physiology: 7, .sensor: 0], window: 3_600_000,
                                   end: 1_764_770_400_000)

    @Test func theDefaultsWriteTheDesignsPosts() {
        #expect(PostTemplate.defaultIncident.render(Self.incident)
            == "Incident opened: tamper, severity high, device KQ4DFA2B, since 2025-12-03 14:00Z, 3 anomalous records (why: acc change, hr level) #ShitOpsCyberWatch")
        #expect(PostTemplate.defaultDigest.render(Self.digest)
            == "12 more incidents in the last hour: 7 physiology, 5 tamper #ShitOpsCyberWatch")
        #expect(PostTemplate.defaultIncident.render(Self.digest) == nil)
        #expect(PostTemplate.defaultDigest.render(Self.incident) == nil)
    }

    @Test func everyIncidentPlaceholderAndTheEscapes() throws {
        let template = try Self.parse("{{{status}}} {pseudonym}/{category}/{severity} at {hour}: {count} [{why}]\n")
        #expect(template.placeholders == [.status, .pseudonym, .category, .severity, .hour, .count, .why])
        #expect(template.render(Self.incident)
            == "{opened} KQ4DFA2B/tamper/high at 2025-12-03 14:00Z: 3 [acc change, hr level] #ShitOpsCyberWatch")
    }

    @Test func everyDigestPlaceholder() throws {
        let template = try Self.parse("{hour}: {count} in {window} ({breakdown})", kind: .digest)
        #expect(template.render(DigestPost(counts: [.traffic: 2], window: 2 * 3_600_000, end: 1_764_770_400_000))
            == "2025-12-03 14:00Z: 2 in 2 hours (2 traffic) #ShitOpsCyberWatch")
    }

    @Test(arguments: ["Alert {pseudonym} #ShitOpsCyberWatch", "Alert {pseudonym}#ShitOpsCyberWatch\n\n",
                      "Alert {pseudonym}", "Alert {pseudonym}   \n"])
    func endsWithTheHashtagOnce(_ text: String) throws {
        #expect(try Self.parse(text).render(Self.incident) == "Alert KQ4DFA2B #ShitOpsCyberWatch")
    }

    @Test func aLongPostIsCutBeforeTheHashtag() throws {
        let why = (0..<3).compactMap { WhyItem(feature: "feature_\($0)_" + String(repeating: "x", count: 20), kind: "stuck") }
        var incident = Self.incident
        incident.why = why
        let template = try Self.parse(String(repeating: "{why} ", count: 6))
        let post = try #require(template.render(incident))
        #expect(TweetLength.weightedLength(of: post) <= 280)
        #expect(post.hasSuffix("\u{2026} #ShitOpsCyberWatch"))
        #expect(TweetLength.weightedLength(of: post) >= 278)
    }

    @Test(arguments: [
        ("Hi {dev}", "t.tmpl:1:4: unknown placeholder \"dev\" (incident posts know {pseudonym} {category} {severity} {status} {hour} {count} {why})"),
        ("ok\n  {seq} x", "t.tmpl:2:3: unknown placeholder \"seq\" (incident posts know {pseudonym} {category} {severity} {status} {hour} {count} {why})"),
        ("a {pseudonym", "t.tmpl:1:3: unclosed \"{\" (write \"{{\" for a literal brace)"),
        ("a {pseudo\nnym}", "t.tmpl:1:3: unclosed \"{\" (write \"{{\" for a literal brace)"),
        ("a {b{count}", "t.tmpl:1:3: unclosed \"{\" (write \"{{\" for a literal brace)"),
        ("a } b", "t.tmpl:1:3: unmatched \"}\" (write \"}}\" for a literal brace)"),
        ("x\ny {count}}", "t.tmpl:2:10: unmatched \"}\" (write \"}}\" for a literal brace)"),
        ("{}", "t.tmpl:1:1: empty placeholder \"{}\""),
        ("{breakdown}", "t.tmpl:1:1: placeholder \"breakdown\" is for digest posts, not incident posts (incident posts know {pseudonym} {category} {severity} {status} {hour} {count} {why})"),
        ("{ pseudonym }", "t.tmpl:1:1: unknown placeholder \" pseudonym \" (incident posts know {pseudonym} {category} {severity} {status} {hour} {count} {why})"),
        ("é😀 {ip}", "t.tmpl:1:8: unknown placeholder \"ip\" (incident posts know {pseudonym} {category} {severity} {status} {hour} {count} {why})"),
        (" \n\t", "t.tmpl:1:1: the template is empty"),
    ])
    func refusesBadIncidentTemplatesWithTheirPosition(_ text: String, _ message: String) {
        #expect(throws: ConfigError.self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func refusesIncidentPlaceholdersInADigest() {
        do {
            _ = try Self.parse("{count}: {pseudonym}", kind: .digest)
            Issue.record("parsed")
        } catch {
            #expect(error.description
                == "t.tmpl:1:10: placeholder \"pseudonym\" is for incident posts, not digest posts (digest posts know {count} {breakdown} {window} {hour})")
        }
    }

    @Test func refusesATemplateThatIsNotUTF8() {
        do {
            _ = try PostTemplate.parse(Array("ok\nab".utf8) + [0xFF] + Array("{count}".utf8), file: "t.tmpl", kind: .incident)
            Issue.record("parsed")
        } catch {
            #expect(error.description == "t.tmpl:2:3: not UTF-8")
        }
    }

    @Test func aMissingFileIs66() {
        #expect {
            try PostTemplate(contentsOf: "/nonexistent/post.tmpl", kind: .incident)
        } throws: { error in
            (error as? StageFailure)?.status == .noInput
        }
    }

    @Test(arguments: [(Int64(0), "1970-01-01 00:00Z"), (3_599_999, "1970-01-01 00:00Z"), (3_600_000, "1970-01-01 01:00Z"),
                      (-1, "1969-12-31 23:00Z"), (1_764_770_400_000 + 3_599_999, "2025-12-03 14:00Z")] as [(Int64, String)])
    func hoursAreUTCAndNeverFiner(_ ms: Int64, _ text: String) {
        #expect(PostTime.hour(ms) == text)
    }

    @Test(arguments: [(Int64(3_600_000), "hour"), (7_200_000, "2 hours"), (1_800_000, "30 minutes"), (60_000, "minute"),
                      (86_400_000, "day"), (172_800_000, "2 days"), (5_400_000, "90 minutes"), (0, "minute")] as [(Int64, String)])
    func windowsInTheLargestWholeUnit(_ ms: Int64, _ text: String) {
        #expect(PostTime.window(ms) == text)
    }

    @Test func whyItemsAreNamesAndKindsOnly() {
        #expect(WhyItem(feature: "acc_mag", kind: "stuck")?.text == "acc_mag stuck")
        #expect(WhyItem(feature: "hr", kind: "z") == nil)
        #expect(WhyItem(feature: "wr-000042", kind: "level") == nil)
        #expect(WhyItem(feature: "10.0.0.1", kind: "level") == nil)
        #expect(WhyItem(feature: "", kind: "level") == nil)
        #expect(WhyItem(feature: String(repeating: "a", count: 33), kind: "level") == nil)
        #expect(IncidentPost(pseudonym: "wr-00004", category: .tamper, severity: .low, opened: 0, count: 1, why: [],
                             status: .opened) == nil)
    }
}
