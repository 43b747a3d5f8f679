/// The JSON text wear-score adds: `score` (6 decimals, trailing zeros cut)
/// and `why` (the strongest tests, z to one decimal).
enum ScoreText {
    /// The most entries in `why`.
    static let top = 3

    static func score(_ score: Double, into text: inout [UInt8]) {
        let micros = Int((min(max(score, 0), 1) * 1_000_000).rounded(.down))
        if micros >= 1_000_000 { text.append(UInt8(ascii: "1")); return }
        if micros == 0 { text.append(UInt8(ascii: "0")); return }
        append("0.", to: &text)
        // Digits from the first decimal until the rest is zero: trailing
        // zeros are never written (no scratch array: this runs per record).
        var rest = micros, divisor = 100_000
        while rest > 0 {
            text.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Each feature's name as UTF-8, for `why` (made once per shard: a
    /// `String` read per record retains and walks it).
    static func names(_ features: [Feature]) -> [[UInt8]] {
        features.map { Array($0.name.utf8) }
    }

    /// The kinds, by their index in a `why` candidate.
    private static let kinds: [StaticString] = ["level", "change", "stuck"]

    /// The strongest three tests with |z| ≥ `minimum`, strongest first, ties
    /// in lane and kind order (no allocation: a top-3 insertion).
    /// `names`: `names(features)`.
    static func why(_ evidence: Evidence, names: [[UInt8]], minimum: Double, into text: inout [UInt8]) {
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
        for lane in names.indices {
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
            append(#"{"feature":""#, to: &text)
            if item.lane < 0 { append("all", to: &text) } else { text.append(contentsOf: names[item.lane]) }
            append(#"","kind":""#, to: &text)
            append(kinds[item.kind], to: &text)
            append(#"","z":"#, to: &text)
            tenths(item.z, into: &text)
            text.append(UInt8(ascii: "}"))
        }
        text.append(UInt8(ascii: "]"))
    }

    /// A literal's bytes (a `String`'s `utf8` appended per record went
    /// through a generic, non-contiguous path: ~170 instructions a record).
    @inline(__always)
    static func append(_ literal: StaticString, to text: inout [UInt8]) {
        literal.withUTF8Buffer { text.append(contentsOf: UnsafeRawBufferPointer($0)) }
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
