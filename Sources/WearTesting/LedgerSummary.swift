import WearCore

/// A stage's accounting: the summary it logs at exit,
/// `wear-filter: info: in=10 out=8 rejected=2 (bad_json=1, line_too_long=1)`,
/// or the counters of its metrics file.
public struct LedgerSummary: Equatable, Sendable {
    public let recordsIn: Int
    public let recordsOut: Int
    public let rejected: Int
    public let byReason: [String: Int]

    /// True when in = out + rejects and the reasons add up.
    public var balances: Bool {
        recordsIn == recordsOut + rejected && byReason.values.reduce(0, +) == rejected
    }

    /// Finds the last summary line of `stage` in its stderr.
    public static func parse(stderr: String, stage: String) throws -> LedgerSummary {
        let prefix = "\(stage): info: in="
        guard let line = stderr.split(separator: "\n").last(where: { $0.hasPrefix(prefix) }) else {
            throw TestSupportError("no summary line from \(stage) in stderr:\n\(stderr)")
        }
        var counts: [String: Int] = [:]
        var byReason: [String: Int] = [:]
        let body = line.dropFirst("\(stage): info: ".count)
        let (head, reasons) = body.firstIndex(of: "(").map { (body[..<$0], body[$0...].dropFirst().dropLast()) } ?? (body, "")
        for pair in head.split(separator: " ") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { counts[String(parts[0])] = value }
        }
        for pair in reasons.split(separator: ",") {
            let parts = pair.trimmingCharacters(in: " ").split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { byReason[String(parts[0])] = value }
        }
        guard let recordsIn = counts["in"], let recordsOut = counts["out"], let rejected = counts["rejected"] else {
            throw TestSupportError("malformed summary line: \(line)")
        }
        return LedgerSummary(recordsIn: recordsIn, recordsOut: recordsOut, rejected: rejected, byReason: byReason)
    }

    /// The ledger `stage`'s metrics file gives (`wear_records_in_total`,
    /// `_out_total`, `_rejected_total` by reason), or nil before the file has
    /// its counters.
    public static func parse(metrics text: String, stage: String) -> LedgerSummary? {
        var recordsIn: Int?, recordsOut: Int?
        var byReason: [String: Int] = [:]
        for sample in MetricsText.parse(text).samples where sample["stage"] == stage {
            switch sample.name {
            case "wear_records_in_total": recordsIn = Int(sample.value)
            case "wear_records_out_total": recordsOut = Int(sample.value)
            case "wear_records_rejected_total": byReason[sample["reason"] ?? "", default: 0] += Int(sample.value)
            default: continue
            }
        }
        guard let recordsIn, let recordsOut else { return nil }
        return LedgerSummary(recordsIn: recordsIn, recordsOut: recordsOut, rejected: byReason.values.reduce(0, +), byReason: byReason)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var result = self
        while result.first == character { result = result.dropFirst() }
        while result.last == character { result = result.dropLast() }
        return result
    }
}
