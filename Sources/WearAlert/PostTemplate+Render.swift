extension PostTemplate {
    /// Every post ends with it, after a space.
    public static let hashtag = "#ShitOpsCyberWatch"

    /// The built-in incident template:
    /// "Incident opened: tamper, severity high, device KQ4DFA2B, since
    /// 2026-12-03 14:00Z, 3 anomalous records (why: acc change, hr level)
    /// #ShitOpsCyberWatch".
    public static let defaultIncident = PostTemplate(kind: .incident, segments: [
        .text("Incident "), .placeholder(.status), .text(": "), .placeholder(.category), .text(", severity "),
        .placeholder(.severity), .text(", device "), .placeholder(.pseudonym), .text(", since "),
        .placeholder(.hour), .text(", "), .placeholder(.count), .text(" anomalous records (why: "),
        .placeholder(.why), .text(") " + hashtag),
    ])

    /// The built-in digest template: "12 more incidents in the last hour:
    /// 7 physiology, 5 tamper #ShitOpsCyberWatch".
    public static let defaultDigest = PostTemplate(kind: .digest, segments: [
        .placeholder(.count), .text(" more incidents in the last "), .placeholder(.window), .text(": "),
        .placeholder(.breakdown), .text(" " + hashtag),
    ])

    /// The post for an incident. nil when this is a digest template.
    public func render(_ incident: IncidentPost) -> String? {
        guard kind == .incident else { return nil }
        return finish(fill { placeholder in
            switch placeholder {
            case .pseudonym: incident.pseudonym
            case .category: incident.category.rawValue
            case .severity: incident.severity.rawValue
            case .status: incident.status.rawValue
            case .hour: PostTime.hour(incident.opened)
            case .count: String(incident.count)
            case .why: incident.why.isEmpty ? "none" : incident.why.map(\.text).joined(separator: ", ")
            case .breakdown, .window: ""
            }
        })
    }

    /// The post for a digest. nil when this is an incident template.
    public func render(_ digest: DigestPost) -> String? {
        guard kind == .digest else { return nil }
        return finish(fill { placeholder in
            switch placeholder {
            case .count: String(digest.count)
            case .breakdown: Self.breakdown(digest.counts)
            case .window: PostTime.window(digest.window)
            case .hour: PostTime.hour(digest.end)
            case .pseudonym, .category, .severity, .status, .why: ""
            }
        })
    }

    /// "7 physiology, 5 tamper": most first, ties in category order, zeros left out.
    static func breakdown(_ counts: [AlertCategory: Int]) -> String {
        let entries = counts.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return entries.isEmpty ? "none" : entries.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }

    private func fill(_ value: (Placeholder) -> String) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .text(let literal): text += literal
            case .placeholder(let placeholder): text += value(placeholder)
            }
        }
        return text
    }

    /// Ends the text with " #ShitOpsCyberWatch" (kept if the template ends
    /// with it, appended otherwise) and cuts the body so the post's
    /// weighted length is at most 280.
    private func finish(_ text: String) -> String {
        var body = Substring(text)
        while let last = body.last, last.isWhitespace { body.removeLast() }
        if body.hasSuffix(Self.hashtag) { body.removeLast(Self.hashtag.count) }
        while let last = body.last, last.isWhitespace { body.removeLast() }
        if body.isEmpty { return Self.hashtag }
        return TweetLength.truncate(String(body), keepingSuffix: " " + Self.hashtag)
    }
}
