import WearAlert
import WearCore

/// Works out which device an anonymous alert is about: wear-alert names a
/// device only by its pseudonym (WearAlert's `PseudonymKey`: HMAC of the
/// UTC date and the device id). Given the same key, eval computes the
/// pseudonyms of every device it knows of (labelled, or seen clean in the
/// scored stream) for every date it saw, and looks them up in receipts.
public final class AlertAttribution {
    private let key: PseudonymKey
    private var devices: Set<String> = []
    private var days: Set<Int64> = []
    private var table: [String: String]?

    /// `key`: the pseudonym key's bytes.
    public init(key: [UInt8]) {
        self.key = PseudonymKey(bytes: key)
    }

    /// Notes a device and an event time seen in the pipeline's output.
    func observe(dev: String?, time: Int64?) {
        if let dev { devices.insert(dev) }
        if let time { days.insert(UTCDate.day(time)) }
        table = nil
    }

    /// The device a receipt's pseudonym belongs to, if any.
    func device(named receipt: AlertReceipt, labels: [AttackLabel]) -> String? {
        if table == nil { table = build(labels: labels) }
        return receipt.candidates.lazy.compactMap { self.table?[$0] }.first
    }

    private func build(labels: [AttackLabel]) -> [String: String] {
        var everyone = devices
        var dates = days
        for label in labels {
            everyone.insert(label.dev)
            dates.insert(UTCDate.day(label.start))
            dates.insert(UTCDate.day(label.end))
        }
        var table: [String: String] = [:]
        for day in dates {
            let date = UTCDate.string(day: day)
            for dev in everyone {
                table[key.pseudonym(dev: dev, date: date)] = dev
            }
        }
        return table
    }

    /// The pseudonym of `dev` on `date` (`YYYY-MM-DD`), as wear-alert computes it.
    public func pseudonym(dev: String, date: String) -> String {
        key.pseudonym(dev: dev, date: date)
    }
}
