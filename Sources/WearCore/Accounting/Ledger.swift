/// The accounting of one stage run: records in = records out + rejects.
///
/// "In" counts non-blank input lines (an oversized line is one record). For
/// wear-alert, whose output is receipts, "out" counts the records consumed.
public struct Ledger: Sendable, Equatable {
    public private(set) var recordsIn = 0
    public private(set) var recordsOut = 0
    public private(set) var rejectsByReason: [RejectReason: Int] = [:]
    public private(set) var bytesIn = 0

    public init() {}

    public var rejected: Int { rejectsByReason.values.reduce(0, +) }

    /// True when every record read is accounted for.
    public var balances: Bool { recordsIn == recordsOut + rejected }

    @inline(__always)
    public mutating func countIn(bytes: Int) {
        recordsIn += 1
        bytesIn += bytes
    }

    @inline(__always)
    public mutating func countOut() { recordsOut += 1 }

    public mutating func countReject(_ reason: RejectReason) {
        rejectsByReason[reason, default: 0] += 1
    }

    /// `in=10 out=8 rejected=2 (bad_json=1, line_too_long=1)`
    public var summary: String {
        var text = "in=\(recordsIn) out=\(recordsOut) rejected=\(rejected)"
        if !rejectsByReason.isEmpty {
            let reasons = rejectsByReason.sorted { $0.key < $1.key }.map { "\($0.key.code)=\($0.value)" }
            text += " (" + reasons.joined(separator: ", ") + ")"
        }
        return text
    }
}
