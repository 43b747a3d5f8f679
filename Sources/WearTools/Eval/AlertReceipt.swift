import WearCore

/// The parts of a wear-alert receipt eval can use. The contract guarantees
/// `{"incident","status","post_id","text"}` only; a device (`dev` or
/// `device`), a `pseudonym` and an event time (`ts`, `time`, `start`,
/// `opened`, `first_seen`: ms since the epoch) are used when present.
struct AlertReceipt {
    var dev: String?
    var pseudonym: String?
    var text = ""
    var time: Int64?

    /// An incident may be announced a while after its last anomaly.
    static let lateness: Int64 = 3_600_000
    static let earliness: Int64 = 60_000

    init(object: JSONValue) {
        dev = object["dev"]?.string ?? object["device"]?.string
        pseudonym = object["pseudonym"]?.string
        text = object["text"]?.string ?? ""
        for key: StaticString in ["ts", "time", "start", "opened", "first_seen"] {
            if let value = object[key]?.int64 {
                time = value
                break
            }
        }
    }

    /// True when the receipt can be about `label`'s attack (always, without a time).
    func fits(_ label: AttackLabel) -> Bool {
        guard let time else { return true }
        return time >= label.start - Self.earliness && time <= label.end + Self.lateness
    }

    /// Words of the text that could be a pseudonym (8 base32 characters).
    var candidates: [String] {
        var words = text.split { !($0.isLetter || $0.isNumber) }.map { $0.uppercased() }.filter { $0.count == 8 }
        if let pseudonym { words.insert(pseudonym.uppercased(), at: 0) }
        return words
    }
}
