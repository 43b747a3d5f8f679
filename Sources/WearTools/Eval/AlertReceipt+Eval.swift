import WearAlert
import WearCore

/// What eval reads from wear-alert's receipts (the type is WearAlert's):
/// the device, when the receipt names it or its pseudonym resolves, and
/// the incident's opening time, to tie it to an attack.
extension AlertReceipt {
    /// An incident may be announced a while after its last anomaly.
    static let lateness: Int64 = 3_600_000
    static let earliness: Int64 = 60_000

    /// True when the receipt can be about `label`'s attack (always, without `opened`).
    func fits(_ label: AttackLabel) -> Bool {
        guard let opened else { return true }
        return opened >= label.start - Self.earliness && opened <= label.end + Self.lateness
    }

    /// Words that could be the pseudonym (8 base32 characters), `pseudonym` first.
    var candidates: [String] {
        var words = text.split { !($0.isLetter || $0.isNumber) }.map { $0.uppercased() }.filter { $0.count == 8 }
        if let pseudonym { words.insert(pseudonym.uppercased(), at: 0) }
        return words
    }
}
