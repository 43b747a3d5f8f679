import Testing
import WearAlert
import WearCore

@Suite struct AlertReceiptTests {
    let parser = JSONParser(capacity: 1 << 16)

    func decode(_ text: String) throws(AlertReceiptError) -> AlertReceipt {
        guard case .success(let object) = parser.parse(copying: text) else { throw AlertReceiptError("not JSON") }
        return try AlertReceipt(decoding: object)
    }

    @Test func writesTheContractsMembersInOrder() {
        let receipt = AlertReceipt(incident: "i1", status: .dryRun, text: "Tamper suspected #ShitOpsCyberWatch",
                                   pseudonym: "VNNHNMH4", opened: 1_763_700_000_000)
        #expect(receipt.document().dumped() ==
                #"{"incident":"i1","status":"dry_run","post_id":"","text":"Tamper suspected #ShitOpsCyberWatch","pseudonym":"VNNHNMH4","opened":1763700000000}"#)
    }

    @Test func readsBackWhatItWrites() throws {
        let receipt = AlertReceipt(incident: "i3", status: .posted, postID: "17", text: "t", dev: "wr-000001", opened: 5)
        #expect(try decode(receipt.document().dumped()) == receipt)
    }

    @Test(arguments: [
        (#"[1]"#, "not a JSON object"),
        (#"{"status":"posted","text":"t"}"#, "no string \"incident\""),
        (#"{"incident":"i","status":"sent","text":"t"}"#, "\"status\" is 'sent'; expected posted, dry_run, queued, digest, failed"),
        (#"{"incident":"i","status":"posted"}"#, "no string \"text\""),
    ])
    func refusesWhatIsNotAReceipt(_ text: String, _ message: String) {
        #expect(throws: AlertReceiptError(message)) { try decode(text) }
    }

    @Test func anEmptyOrMissingPostIDMeansNotPosted() throws {
        #expect(try decode(#"{"incident":"i","status":"queued","post_id":"","text":"t"}"#).postID == nil)
        #expect(try decode(#"{"incident":"i","status":"queued","text":"t"}"#).postID == nil)
    }
}
