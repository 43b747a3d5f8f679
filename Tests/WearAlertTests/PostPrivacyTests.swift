import Testing
import WearTesting
import WearAlert

/// A property test of "anonymous by construction": incidents whose device
/// ids, seqs, raw values, addresses and firmware are planted random
/// identifiers, rendered with the built-in templates and with templates that
/// use every placeholder; no post may contain any of them.
@Suite struct PostPrivacyTests {
    /// What the alert stage knows about an incident, secrets included.
    struct PlantedIncident {
        var dev: String
        var seq: UInt64
        var values: [String]
        var ip: String
        var firmware: String
        var post: IncidentPost

        /// Every string that must never appear in a post.
        var planted: [String] {
            var all = [dev, String(seq), ip, firmware] + values
            let characters = Array(dev)
            for length in 6..<characters.count {
                for start in 0...(characters.count - length) {
                    all.append(String(characters[start..<(start + length)]))
                }
            }
            return all
        }
    }

    static func randomString(_ alphabet: String, _ count: Int, _ rng: inout SplitMix64) -> String {
        let letters = Array(alphabet)
        return String((0..<count).map { _ in letters[Int.random(in: 0..<letters.count, using: &rng)] })
    }

    static func dev(_ rng: inout SplitMix64) -> String {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: "wr-" + String(Int.random(in: 100_000...999_999, using: &rng))
        case 1: randomString("abcdefghijklmnopqrstuvwxyz0123456789", 12, &rng)
        case 2: randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 10, &rng)
        default: randomString("0123456789abcdef", 8, &rng) + "-" + randomString("0123456789abcdef", 4, &rng)
        }
    }

    static func incident(_ rng: inout SplitMix64, key: PseudonymKey) -> PlantedIncident {
        let dev = dev(&rng)
        let values = [
            String(format3(Double.random(in: 40...200, using: &rng))),      // hr
            String(format3(Double.random(in: 30...42, using: &rng))),       // temp
            String(format3(Double.random(in: -4...4, using: &rng))),        // acc
            String(Int.random(in: 10_000...99_999, using: &rng)),           // steps
            String(-Int.random(in: 30...99, using: &rng)) + "." + String(Int.random(in: 100...999, using: &rng)), // rssi
        ]
        let ip = Bool.random(using: &rng)
            ? "10.\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 0...255, using: &rng)).\(Int.random(in: 1...254, using: &rng))"
            : "fe80::" + randomString("0123456789abcdef", 4, &rng) + ":" + randomString("0123456789abcdef", 4, &rng)
        let firmware = Bool.random(using: &rng)
            ? "\(Int.random(in: 1...9, using: &rng)).\(Int.random(in: 0...30, using: &rng)).\(Int.random(in: 0...99, using: &rng))"
            : "fw-" + randomString("0123456789abcdef", 7, &rng)
        let features = ["hr", "spo2", "temp", "acc", "gyro", "bat", "rssi", "steps", "all", "acc_mag", "dt"]
        let why = (0..<Int.random(in: 0...3, using: &rng)).compactMap { _ in
            WhyItem(feature: features.randomElement(using: &rng) ?? "hr",
                    kind: WhyItem.Kind.allCases.randomElement(using: &rng)?.rawValue ?? "level")
        }
        let post = IncidentPost(
            dev: dev, key: key, category: AlertCategory.allCases.randomElement(using: &rng) ?? .tamper,
            severity: PostSeverity.allCases.randomElement(using: &rng) ?? .high,
            opened: Int64.random(in: 1_735_689_600_000...1_798_761_600_000, using: &rng),
            count: Int.random(in: 1...500, using: &rng), why: why,
            status: IncidentStatus.allCases.randomElement(using: &rng) ?? .opened)
        return PlantedIncident(dev: dev, seq: UInt64.random(in: 1_000_000...1_000_000_000_000, using: &rng),
                               values: values, ip: ip, firmware: firmware, post: post)
    }

    static func format3(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = abs(thousandths)
        let fraction = String(magnitude % 1000)
        return sign + String(magnitude / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    @Test func noPostContainsAPlantedIdentifier() throws {
        var rng = SplitMix64(state: 20_261_203)
        let key = PseudonymKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let everyIncident = try PostTemplate.parse(
            Array("{status} {severity} {category} on {pseudonym} at {hour}: {count} ({why}) {{x}}".utf8),
            file: "all.tmpl", kind: .incident)
        let everyDigest = try PostTemplate.parse(
            Array("{count} in {window} to {hour}: {breakdown}".utf8), file: "all.tmpl", kind: .digest)
        let incidents = (0..<1_000).map { _ in Self.incident(&rng, key: key) }
        var posts = 0
        for planted in incidents {
            for template in [PostTemplate.defaultIncident, everyIncident] {
                let post = try #require(template.render(planted.post))
                try Self.check(post, against: planted.planted)
                posts += 1
            }
        }
        // Digests of consecutive groups of 10: nothing of the ten may appear.
        for start in stride(from: 0, to: incidents.count, by: 10) {
            let group = incidents[start..<(start + 10)]
            let counts = Dictionary(grouping: group, by: \.post.category).mapValues(\.count)
            let digest = DigestPost(counts: counts, window: 3_600_000, end: group.map(\.post.opened).max() ?? 0)
            for template in [PostTemplate.defaultDigest, everyDigest] {
                let post = try #require(template.render(digest))
                try Self.check(post, against: group.flatMap(\.planted))
                posts += 1
            }
        }
        #expect(posts == 2_200)
    }

    static func check(_ post: String, against planted: [String]) throws {
        #expect(post.hasSuffix(" #ShitOpsCyberWatch"))
        #expect(TweetLength.isValid(post))
        for secret in planted where post.contains(secret) {
            Issue.record("post \"\(post)\" contains the planted \"\(secret)\"")
        }
    }
}
