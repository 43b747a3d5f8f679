import Crypto

/// How a post names a device (DESIGN, wear-alert): base32 (RFC 4648, upper
/// case, no padding) of HMAC-SHA256(key, UTC date "YYYY-MM-DD" + "|" +
/// dev), first 8 characters. The date makes pseudonyms unlinkable across
/// days; without the key nobody can tell which device a post is about.
///
/// `@unchecked Sendable`: swift-crypto's `SymmetricKey` is not marked
/// Sendable, but it is immutable after `init` (its bytes never change), so
/// sharing it is safe.
public struct PseudonymKey: @unchecked Sendable {
    private let key: SymmetricKey

    /// `bytes`: the `--pseudonym-key` file's key bytes.
    public init(bytes: [UInt8]) {
        key = SymmetricKey(data: bytes)
    }

    /// The pseudonym of `dev` on `date` (`YYYY-MM-DD`, UTC).
    public func pseudonym(dev: String, date: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((date + "|" + dev).utf8), using: key)
        return String(Base32.encode(Array(mac)).prefix(8))
    }

    /// The pseudonym of `dev` for an event at `ms` (ms since the epoch).
    public func pseudonym(dev: String, eventTime ms: Int64) -> String {
        pseudonym(dev: dev, date: UTCDate.string(day: UTCDate.day(ms)))
    }
}

/// RFC 4648 base32: upper case, no padding.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    public static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = ((buffer << 8) | Int(byte)) & 0xFFFF
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

/// UTC civil dates for event times, without Foundation.
public enum UTCDate {
    /// Days since 1970-01-01 of an event time in ms (floor, also before 1970).
    public static func day(_ ms: Int64) -> Int64 {
        let day = ms / 86_400_000
        return ms % 86_400_000 < 0 ? day - 1 : day // floor without `ms - 86_399_999`, which overflows near Int64.min
    }

    /// `YYYY-MM-DD` of a day number, proleptic Gregorian (Howard Hinnant's civil_from_days).
    public static func string(day: Int64) -> String {
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
}
