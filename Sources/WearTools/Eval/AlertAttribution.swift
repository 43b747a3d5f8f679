import Crypto
import WearCore

/// Works out which device an anonymous alert is about: wear-alert names a
/// device only by its pseudonym, base32(HMAC-SHA256(key, "YYYY-MM-DD|dev"))
/// cut to 8 characters, with the UTC date of the incident. Given the same
/// key, eval computes the pseudonyms of every device it knows of (labelled,
/// or seen clean in the scored stream) for every date it saw, and looks
/// them up in receipts.
public final class AlertAttribution {
    private let key: SymmetricKey
    private var devices: Set<String> = []
    private var days: Set<Int64> = []
    private var table: [String: String]?

    /// `key`: the pseudonym key's bytes.
    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// Notes a device and an event time seen in the pipeline's output.
    func observe(dev: String?, time: Int64?) {
        if let dev { devices.insert(dev) }
        if let time { days.insert(Self.day(time)) }
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
            dates.insert(Self.day(label.start))
            dates.insert(Self.day(label.end))
        }
        var table: [String: String] = [:]
        for day in dates {
            let date = Self.date(day)
            for dev in everyone {
                table[pseudonym(dev: dev, date: date)] = dev
            }
        }
        return table
    }

    /// The pseudonym of `dev` on `date` (`YYYY-MM-DD`), upper case.
    public func pseudonym(dev: String, date: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((date + "|" + dev).utf8), using: key)
        return String(Self.base32(Array(mac)).prefix(8))
    }

    static func day(_ ms: Int64) -> Int64 {
        ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
    }

    /// The civil date of a day number (days since 1970-01-01), proleptic Gregorian.
    static func date(_ day: Int64) -> String {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    /// RFC 4648 base32, upper case, no padding.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}
