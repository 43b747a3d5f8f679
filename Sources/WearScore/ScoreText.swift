/// The JSON text wear-score adds: `score` (6 decimals, trailing zeros cut)
/// and `why` (the strongest tests, z to one decimal).
enum ScoreText {
    /// The most entries in `why`.
    static let top = 3

    static func score(_ score: Double, into text: inout [UInt8]) {
        var micros = Int((min(max(score, 0), 1) * 1_000_000).rounded(.down))
        if micros >= 1_000_000 { text.append(UInt8(ascii: "1")); return }
        text.append(contentsOf: "0.".utf8)
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 6)
        for i in stride(from: 5, through: 0, by: -1) {
            digits[i] = UInt8(ascii: "0") + UInt8(micros % 10)
            micros /= 10
        }
        while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
        text.append(contentsOf: digits)
    }

    static func why(_ evidence: Evidence, features: [Feature], minimum: Double, into text: inout [UInt8]) {
        var items: [(feature: Int, kind: StaticString, z: Double)] = []
        for lane in features.indices {
            for (kind, z) in [("level", evidence.level[lane]), ("change", evidence.change[lane]), ("stuck", evidence.stuck[lane])]
                as [(StaticString, Float)] where abs(Double(z)) >= minimum {
                items.append((lane, kind, Double(z)))
            }
        }
        if evidence.body >= minimum { items.append((-1, "stuck", evidence.body)) }
        items.sort { abs($0.z) > abs($1.z) }
        text.append(UInt8(ascii: "["))
        for (index, item) in items.prefix(top).enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            text.append(contentsOf: #"{"feature":""#.utf8)
            text.append(contentsOf: (item.feature < 0 ? "all" : features[item.feature].name).utf8)
            text.append(contentsOf: #"","kind":""#.utf8)
            item.kind.withUTF8Buffer { text.append(contentsOf: $0) }
            text.append(contentsOf: #"","z":"#.utf8)
            tenths(item.z, into: &text)
            text.append(UInt8(ascii: "}"))
        }
        text.append(UInt8(ascii: "]"))
    }

    /// `z` to one decimal (at most ±9999.9).
    static func tenths(_ z: Double, into text: inout [UInt8]) {
        let scaled = Int((min(max(z, -9999.9), 9999.9) * 10).rounded())
        if scaled < 0 { text.append(UInt8(ascii: "-")) }
        text.append(contentsOf: String(abs(scaled) / 10).utf8)
        text.append(UInt8(ascii: "."))
        text.append(UInt8(ascii: "0") + UInt8(abs(scaled) % 10))
    }
}
