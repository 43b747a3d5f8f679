import WearCore

/// What wear-alert reads of a scored record: `score`, `why`, `flags`,
/// `dev` and the event time (`rx`, else `ts`, ms). Nothing else, and no
/// raw value leaves this type but the event time.
struct AlertRecord {
    /// nil: no score (a warming-up device, an unscored stream).
    var score: Double?
    var time: Int64?
    var dev: String?
    var why: [WhyItem] = []
    /// The strongest `z` in `why` (nil when none).
    var strongestZ: Double?
    var flags: [String] = []

    /// Reads `root`; `.failure` is the reject for a record that cannot be judged.
    static func read(_ root: JSONValue, threshold: Double) -> Result<AlertRecord, AlertRecordFault> {
        var record = AlertRecord()
        record.time = eventTime(root["rx"]) ?? eventTime(root["ts"])
        if let value = root["score"], !value.isNull {
            guard let score = value.double, score.isFinite else {
                return .failure(AlertRecordFault(reason: .badScore, detail: "\"score\" is \(value.kind.article), expected a number or null"))
            }
            record.score = score
        }
        guard let score = record.score, score >= threshold else { return .success(record) }
        guard let dev = root["dev"]?.string else {
            return .failure(AlertRecordFault(reason: .missingDev, detail: "an anomalous record (score \(score)) has no string \"dev\""))
        }
        record.dev = dev
        root["why"]?.forEachElement { entry in
            if let feature = entry["feature"]?.string, let kind = entry["kind"]?.string,
               let item = WhyItem(feature: feature, kind: kind) {
                record.why.append(item)
                if let z = entry["z"]?.double, z.isFinite || z == .infinity {
                    record.strongestZ = max(record.strongestZ ?? abs(z), abs(z))
                }
            }
            return true
        }
        root["flags"]?.forEachElement { flag in
            if let text = flag.string { record.flags.append(text) }
            return true
        }
        return .success(record)
    }

    /// EventTime's ms from 1970-01-01 to 9999-12-31 (UTC); nil otherwise,
    /// so a clock no device has counts as absent rather than moving the
    /// watermark to the end of time or naming a day no post can print.
    static func eventTime(_ value: JSONValue?) -> Int64? {
        guard let value, let time = EventTime.milliseconds(value), (0...latestEventTime).contains(time) else { return nil }
        return time
    }

    /// 9999-12-31T23:59:59.999Z in ms: the last instant a post's `YYYY-MM-DD` can name.
    static let latestEventTime: Int64 = 253_402_300_799_999
}

/// Why a record is a reject.
struct AlertRecordFault: Error {
    let reason: RejectReason
    let detail: String
}

extension RejectReason {
    /// `score` is neither a number nor null.
    public static let badScore = RejectReason("bad_score")
    /// An anomalous record without a string `dev` (no incident can be keyed).
    public static let missingDev = RejectReason("missing_key")
}
