import WearCore

/// Ground truth for one attack instance: one line of `--labels` NDJSON.
///
///     {"id":3,"attack":"hr_spike","dev":"wr-000042","sealed":true,"start":1763700123456,
///      "end":1763700126502,"count":3,"lines":[8812,8913,9015],"seqs":[4410,4411,4412],
///      "ts":[...],"rx":[...]}
///
/// `lines` are the 1-based lines of the simulator's output that the attack
/// altered or inserted; `seqs` and `ts` the seq and ts inside those records
/// (for envelopes, of the sealed plaintext); `rx` the envelopes' receive
/// times (sealed output only). `start`/`end` are the event times of the
/// first and last of them: `rx` when sealed, else `ts`.
public struct AttackLabel: Sendable, Equatable {
    public var id: Int
    public var attack: String
    public var dev: String
    public var sealed: Bool
    public var start: Int64 = 0
    public var end: Int64 = 0
    public var lines: [Int] = []
    public var seqs: [Int] = []
    public var ts: [Int64] = []
    public var rx: [Int64] = []

    public init(id: Int, attack: String, dev: String, sealed: Bool) {
        self.id = id
        self.attack = attack
        self.dev = dev
        self.sealed = sealed
    }

    public var count: Int { lines.count }

    /// The event time of affected record `index`: its rx when sealed, else its ts.
    public func eventTime(_ index: Int) -> Int64 {
        sealed && index < rx.count ? rx[index] : ts[index]
    }

    /// Records one affected line.
    mutating func add(line: Int, seq: Int, ts: Int64, rx: Int64) {
        let time = sealed ? rx : ts
        if lines.isEmpty { start = time }
        start = min(start, time)
        end = max(end, time)
        lines.append(line)
        seqs.append(seq)
        self.ts.append(ts)
        if sealed { self.rx.append(rx) }
    }

    public func document() -> JSONDocument {
        let object = JSONDocument.object()
        object.set("id", id)
        object.set("attack", attack)
        object.set("dev", dev)
        object.set("sealed", sealed)
        object.set("start", start)
        object.set("end", end)
        object.set("count", lines.count)
        object.set("lines", Self.array(lines.map(Int64.init)))
        object.set("seqs", Self.array(seqs.map(Int64.init)))
        object.set("ts", Self.array(ts))
        if sealed { object.set("rx", Self.array(rx)) }
        return object
    }

    private static func array(_ values: [Int64]) -> JSONDocument {
        let array = JSONDocument.array()
        for value in values { array.append(.integer(value)) }
        return array
    }

    /// Reads one label line; the error names the member that is wrong.
    public init(document: JSONDocument) throws(LabelError) {
        func integer(_ key: String) throws(LabelError) -> Int64 {
            guard let value = document[key]?.integerValue else { throw LabelError("missing or non-integer \"\(key)\"") }
            return value
        }
        func integers(_ key: String, required: Bool = true) throws(LabelError) -> [Int64] {
            guard let array = document[key], array.kind == .array else {
                if required { throw LabelError("missing array \"\(key)\"") }
                return []
            }
            var values: [Int64] = []
            for element in array.elements {
                guard let value = element.integerValue else { throw LabelError("\"\(key)\" must hold integers") }
                values.append(value)
            }
            return values
        }
        guard document.kind == .object else { throw LabelError("a label must be a JSON object") }
        guard let attack = document["attack"]?.stringValue, let dev = document["dev"]?.stringValue else {
            throw LabelError("missing string \"attack\" or \"dev\"")
        }
        self.init(id: Int(try integer("id")), attack: attack, dev: dev, sealed: document["sealed"]?.boolValue ?? false)
        start = try integer("start")
        end = try integer("end")
        lines = try integers("lines").map { Int($0) }
        seqs = try integers("seqs").map { Int($0) }
        ts = try integers("ts")
        rx = try integers("rx", required: false)
        guard seqs.count == lines.count, ts.count == lines.count, !sealed || rx.count == lines.count else {
            throw LabelError("\"lines\", \"seqs\", \"ts\" (and \"rx\" when sealed) must have the same length")
        }
    }
}

/// A label line that cannot be read.
public struct LabelError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
