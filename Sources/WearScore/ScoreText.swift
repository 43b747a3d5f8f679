/// The JSON text wear-score adds: `score` (6 decimals, trailing zeros cut)
/// and `why` (the strongest tests, z to one decimal).
enum ScoreText {
    /// The most entries in `why`.
    static let top = 3

    static func score(_ score: Double, into text: inout [UInt8]) {
        var micros = Int((min(max(score, 0), 1) * 1_000_000).rounded(.down))
        if micros >= 1_000_000 { text.append(UInt8(ascii: "1")); return }
        if micros == 0 { text.append(UInt8(ascii: "0")); return }
        text.append(contentsOf: "0.".utf8)
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 6)
        for i in stride(from: 5, through: 0, by: -1) {
            digits[i] = UInt8(ascii: "0") + UInt8(micros % 10)
            micros /= 10
        }
        while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
        text.append(contentsOf: digits)
    }

    /// The kinds, by their index in a `why` candidate.
    private static let kinds: [StaticString] = ["level", "change", "stuck"]

    /// The strongest three tests with |z| ≥ `minimum`, strongest first, ties
    /// in lane and kind order (no allocation: a top-3 insertion).
    static func why(_ evidence: Evidence, features: [Feature], minimum: Double, into text: inout [UInt8]) {
        var chosen = (Candidate(), Candidate(), Candidate())
        func offer(_ lane: Int, _ kind: Int, _ z: Double) {
            let size = abs(z)
            guard size >= minimum else { return }
            let candidate = Candidate(lane: lane, kind: kind, z: z)
            if chosen.0.isEmpty || size > abs(chosen.0.z) {
                (chosen.2, chosen.1, chosen.0) = (chosen.1, chosen.0, candidate)
            } else if chosen.1.isEmpty || size > abs(chosen.1.z) {
                (chosen.2, chosen.1) = (chosen.1, candidate)
            } else if chosen.2.isEmpty || size > abs(chosen.2.z) {
                chosen.2 = candidate
            }
        }
        for lane in features.indices {
            offer(lane, 0, Double(evidence.level[lane]))
            offer(lane, 1, Double(evidence.change[lane]))
            offer(lane, 2, Double(evidence.stuck[lane]))
        }
        offer(-1, 2, evidence.body)
        text.append(UInt8(ascii: "["))
        for index in 0..<3 {
            let item = index == 0 ? chosen.0 : index == 1 ? chosen.1 : chosen.2
            if item.isEmpty { break }
            if index > 0 { text.append(UInt8(ascii: ",")) }
            text.append(contentsOf: #"{"feature":""#.utf8)
            if item.lane < 0 { text.append(contentsOf: "all".utf8) } else { text.append(contentsOf: features[item.lane].name.utf8) }
            text.append(contentsOf: #"","kind":""#.utf8)
            kinds[item.kind].withUTF8Buffer { text.append(contentsOf: $0) }
            text.append(contentsOf: #"","z":"#.utf8)
            tenths(item.z, into: &text)
            text.append(UInt8(ascii: "}"))
        }
        text.append(UInt8(ascii: "]"))
    }

    /// One entry of `why`; lane -1 is every sensor ("all"), -2 an empty slot.
    private struct Candidate {
        var lane = -2, kind = 0, z = 0.0
        var isEmpty: Bool { lane == -2 }
    }

    /// `z` to one decimal (at most ±9999.9).
    static func tenths(_ z: Double, into text: inout [UInt8]) {
        let scaled = Int((min(max(z, -9999.9), 9999.9) * 10).rounded())
        if scaled < 0 { text.append(UInt8(ascii: "-")) }
        let whole = abs(scaled) / 10
        var divisor = 1
        while divisor * 10 <= whole { divisor *= 10 }
        repeat {
            text.append(UInt8(ascii: "0") + UInt8(whole / divisor % 10))
            divisor /= 10
        } while divisor > 0
        text.append(UInt8(ascii: "."))
        text.append(UInt8(ascii: "0") + UInt8(abs(scaled) % 10))
    }
}
