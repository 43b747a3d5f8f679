import WearCore

/// What one `POST /2/tweets` came to, classified from X's answer (or its
/// absence). Messages hold the status and X's `title` and `detail`, never
/// a header, the request or a credential.
public enum XPostOutcome: Sendable, Equatable {
    /// 2xx; the post's id from `data.id` (nil when the body has none).
    case posted(id: String?)
    /// 403 "You are not allowed to create a Tweet with duplicate content.":
    /// X already has this text (an earlier attempt got through), so it is
    /// delivered, without an id.
    case duplicate
    /// 429; `reset` from `x-rate-limit-reset` (and the 24-hour user limit's
    /// reset when that limit is used up), nil when X sent none.
    case rateLimited(reset: WallTime?, message: String)
    /// 5xx, a timeout, a refused or dropped connection: try again later.
    case transient(message: String)
    /// 401, a 403 other than duplicate content, another 4xx, a redirect:
    /// X will not take it as it is; `status` is the HTTP status.
    case rejected(status: Int, message: String)

    /// X's answer to a duplicate post (in the 403's `detail`).
    public static let duplicateContent = "You are not allowed to create a Tweet with duplicate content."

    /// Classifies a response: `header` looks a header up by lower-case name.
    public static func classify(status: Int, header: (String) -> String?, body: [UInt8]) -> XPostOutcome {
        let json = try? JSONDocument.parse(body, source: "X's answer")
        switch status {
        case 200..<300:
            return .posted(id: json?["data"]?["id"]?.stringValue)
        case 403 where contains(body, duplicateContent):
            return .duplicate
        case 429:
            return .rateLimited(reset: rateLimitReset(header), message: message(status, json))
        case 500..<600:
            return .transient(message: message(status, json))
        default:
            return .rejected(status: status, message: message(status, json))
        }
    }

    /// `x-rate-limit-reset`, or the later `x-user-limit-24hour-reset` when
    /// `x-user-limit-24hour-remaining` is 0 (the Free tier's 17 posts a day).
    static func rateLimitReset(_ header: (String) -> String?) -> WallTime? {
        let window = header("x-rate-limit-reset").flatMap(epochSeconds)
        var daily: WallTime?
        if header("x-user-limit-24hour-remaining").flatMap({ Int64($0.trimmed) }) == 0 {
            daily = header("x-user-limit-24hour-reset").flatMap(epochSeconds)
        }
        switch (window, daily) {
        case let (window?, daily?): return max(window, daily)
        case let (window, daily): return window ?? daily
        }
    }

    private static func epochSeconds(_ text: String) -> WallTime? {
        guard let seconds = Int64(text.trimmed), seconds > 0 else { return nil }
        return WallTime(epochSeconds: seconds)
    }

    /// `HTTP 401: Unauthorized: Unauthorized` (X's title and detail, when the
    /// body is X's JSON; each one line, at most 200 characters).
    static func message(_ status: Int, _ json: JSONDocument?) -> String {
        let parts = ["title", "detail"].compactMap { json?[$0]?.stringValue }.map(oneLine).filter { !$0.isEmpty }
        return (["HTTP \(status)"] + parts).joined(separator: ": ")
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true ? " " : $0 }.prefix(200))
    }

    private static func contains(_ body: [UInt8], _ phrase: String) -> Bool {
        let needle = Array(phrase.utf8)
        guard body.count >= needle.count else { return false }
        for start in 0...(body.count - needle.count) where body[start] == needle[0] {
            if body[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }
}

extension String {
    fileprivate var trimmed: Substring {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
