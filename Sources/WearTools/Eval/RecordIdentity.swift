import WearCore
import WearJOSE

/// What identifies one record of the simulator's output wherever it turns
/// up downstream: device, seq, ts and the edge's receive time rx. An
/// envelope shows only its kid (the device) and rx.
public struct RecordIdentity: Equatable, Sendable {
    public var dev: String?
    public var seq: Int?
    public var ts: Int64?
    public var rx: Int64?

    public init(dev: String? = nil, seq: Int? = nil, ts: Int64? = nil, rx: Int64? = nil) {
        self.dev = dev
        self.seq = seq
        self.ts = ts
        self.rx = rx
    }

    /// From a parsed record or envelope object.
    public init(object: JSONValue) {
        if let token = object["jwe"]?.string {
            self.init(dev: Self.kid(ofToken: Array(token.utf8)), rx: object["rx"]?.int64)
            return
        }
        self.init(dev: object["dev"]?.string, seq: object["seq"]?.int64.map { Int($0) }, ts: object["ts"]?.int64,
                  rx: object["rx"]?.int64)
    }

    /// From the `input` of a reject: a JSON object, a bare JWE token, or a
    /// record cut at 4 KiB (read by scanning for `"dev":`, `"seq":`, `"ts":`, `"rx":`).
    public init(input: [UInt8], parser: JSONParser) {
        if case .success(let value) = parser.parse(copying: input), value.isObject {
            self.init(object: value)
            return
        }
        if !input.contains(UInt8(ascii: "{")), input.filter({ $0 == UInt8(ascii: ".") }).count == 4 {
            self.init(dev: Self.kid(ofToken: input))
            return
        }
        self.init(dev: Self.scanString(input, key: "\"dev\":\""), seq: Self.scanInteger(input, key: "\"seq\":").map { Int($0) },
                  ts: Self.scanInteger(input, key: "\"ts\":"), rx: Self.scanInteger(input, key: "\"rx\":"))
    }

    /// The kid in a compact token's protected header, if it decodes.
    static func kid(ofToken token: [UInt8]) -> String? {
        guard let dot = token.firstIndex(of: UInt8(ascii: ".")),
              let header = Base64URL.decode(token[..<dot]) else { return nil }
        let parser = JSONParser(capacity: max(header.count, 64))
        guard case .success(let value) = parser.parse(copying: header) else { return nil }
        return value["kid"]?.string
    }

    private static func find(_ input: [UInt8], _ key: String) -> Int? {
        let needle = Array(key.utf8)
        guard input.count >= needle.count else { return nil }
        for start in 0...(input.count - needle.count) where input[start] == needle[0] {
            if input[start..<(start + needle.count)].elementsEqual(needle) { return start + needle.count }
        }
        return nil
    }

    static func scanString(_ input: [UInt8], key: String) -> String? {
        guard let start = find(input, key), let end = input[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: input[start..<end], as: UTF8.self)
    }

    static func scanInteger(_ input: [UInt8], key: String) -> Int64? {
        guard let start = find(input, key) else { return nil }
        var end = start
        if end < input.count, input[end] == UInt8(ascii: "-") { end += 1 }
        while end < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[end]) { end += 1 }
        return Int64(String(decoding: input[start..<end], as: UTF8.self))
    }
}
