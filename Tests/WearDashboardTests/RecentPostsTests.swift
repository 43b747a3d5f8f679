import Foundation
import Testing
import WearTesting
@testable import WearDashboard

@Suite struct RecentPostsTests {
    static let receipts = """
        {"incident":"i1","status":"posted","post_id":"1001","text":"Tamper on KQ4DFA2B #ShitOpsCyberWatch","dev":"wr-000042","pseudonym":"KQ4DFA2B","opened":1763700011500}
        {"incident":"i2","status":"queued","post_id":"","text":"queued text","dev":"wr-000043"}
        {"incident":"i3","status":"digest","post_id":"1002","text":"2 more incidents","dev":"wr-000044","digest":"d1"}
        {"incident":"i4","status":"digest","post_id":"1002","text":"2 more incidents","dev":"wr-000045","digest":"d1"}
        not json
        {"incident":"i5","status":"failed","post_id":"","text":"refused","dev":"wr-000046"}
        {"incident":"i6","status":"dry_run","post_id":"","text":"Heart rate on ZZ7YQ2C4","dev":"wr-000047"}

        """

    @Test func keepsOnlyPublicTextsNewestFirstEachOnce() {
        let posts = RecentPosts.posts(in: Array(Self.receipts.utf8), limit: 10)
        #expect(posts == [RecentPost(status: "dry_run", text: "Heart rate on ZZ7YQ2C4"),
                          RecentPost(status: "digest", text: "2 more incidents"),
                          RecentPost(status: "posted", text: "Tamper on KQ4DFA2B #ShitOpsCyberWatch")])
        #expect(RecentPosts.posts(in: Array(Self.receipts.utf8), limit: 1).count == 1)
    }

    @Test func readsOnlyTheFilesTailAndDropsTheCutLine() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.file("receipts.ndjson").path
        try Self.receipts.write(toFile: path, atomically: true, encoding: .utf8)
        let all = RecentPosts.read(path)
        #expect(all.count == 3)
        let tail = RecentPosts.read(path, tailBytes: 130)
        #expect(tail == [RecentPost(status: "dry_run", text: "Heart rate on ZZ7YQ2C4")])
        #expect(RecentPosts.read(scratch.file("absent").path).isEmpty)
    }
}
