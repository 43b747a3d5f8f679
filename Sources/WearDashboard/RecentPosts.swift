import Foundation
import WearAlert
import WearCore

/// A post as the public sees it: its text, and whether it went out
/// (`posted`), would have (`dry_run`) or was a digest.
public struct RecentPost: Sendable, Equatable {
    public var status: String
    public var text: String

    public init(status: String, text: String) {
        self.status = status
        self.text = text
    }
}

/// The last posts in wear-alert's receipts file (WearAlert's `AlertReceipt`
/// contract): only what was made public — a post's text — never the
/// receipt's device id, pseudonym, incident reference or times. Reads at
/// most the file's last `tailBytes`.
public enum RecentPosts {
    public static func read(_ path: String, limit: Int = 10, tailBytes: Int = 1 << 20) -> [RecentPost] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(tailBytes) ? size - UInt64(tailBytes) : 0
        try? handle.seek(toOffset: start)
        var bytes = [UInt8]((try? handle.readToEnd()) ?? Data())
        if start > 0, let newline = bytes.firstIndex(of: 0x0A) { bytes.removeSubrange(...newline) } // a cut first line
        return posts(in: bytes, limit: limit)
    }

    /// The last `limit` distinct public posts of receipts `bytes` (NDJSON), newest first.
    public static func posts(in bytes: [UInt8], limit: Int) -> [RecentPost] {
        let parser = JSONParser(capacity: 1 << 16)
        var posts: [RecentPost] = []
        var seen: Set<String> = []
        for line in bytes.split(separator: 0x0A).reversed() {
            guard case .success(let object) = parser.parse(copying: Array(line)),
                  let receipt = try? AlertReceipt(decoding: object) else { continue }
            // A digest's text comes once per folded incident: show it once.
            guard [.posted, .dryRun, .digest].contains(receipt.status), !receipt.text.isEmpty,
                  seen.insert(receipt.text).inserted else { continue }
            posts.append(RecentPost(status: receipt.status.rawValue, text: receipt.text))
            if posts.count == limit { break }
        }
        return posts
    }
}
