import WearCore
import Testing
import WearTools

@Suite("Number formatting and attack options")
struct FormattingTests {
    @Test("fixed-point numbers are written exactly, never as -0.00", arguments: [
        (0, 2, "0.00"), (5, 2, "0.05"), (-5, 2, "-0.05"), (100, 2, "1.00"), (-1234, 2, "-12.34"),
        (336, 1, "33.6"), (-3, 1, "-0.3"), (16_000, 3, "16.000"), (1, 3, "0.001"),
    ])
    func fixedPoint(_ value: Int, _ places: Int, _ text: String) {
        let buffer = ByteBuffer(capacity: 8)
        buffer.append(fixed: value, places: places)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == text)
    }

    @Test("integers and zero-padded device numbers", arguments: [
        (0, "0", "wr-000000"), (42, "42", "wr-000042"), (1_234_567, "1234567", "wr-1234567"),
    ])
    func integers(_ value: Int, _ text: String, _ device: String) {
        let buffer = ByteBuffer(capacity: 4)
        buffer.append(int: value)
        buffer.append(int: -value)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == text + (value == 0 ? "0" : "-" + text))
        #expect(TelemetryFormatter.deviceID(value) == device)
    }

    @Test("attack options parse TYPE, TYPE:FRACTION and TYPE:PERCENT", arguments: [
        ("hr_spike", AttackKind.hrSpike, nil as Double?), ("flood:0.05", .flood, 0.05), ("replay:5%", .replay, 0.05),
    ])
    func attackOptions(_ text: String, _ kind: AttackKind, _ fraction: Double?) throws {
        var selection = AttackSelection()
        try selection.add(text)
        #expect(selection.kinds == [kind])
        #expect(selection.requests.first?.fraction == fraction)
    }

    @Test("bad attack options say what is expected", arguments: [
        ("meteor", "unknown attack 'meteor'"), ("flood:0", "must be a number in (0, 1]"),
        ("flood:2", "must be a number in (0, 1]"), ("flood:x", "must be a number in (0, 1]"),
    ])
    func badAttackOptions(_ text: String, _ message: String) {
        var selection = AttackSelection()
        #expect { try selection.add(text) } throws: { error in
            (error as? SimConfigError)?.message.contains(message) == true
        }
    }

    @Test("--attacks all shares 2 % of the fleet round-robin, one instance per type at least")
    func sharedFraction() throws {
        var selection = AttackSelection()
        try selection.addAll("all")
        let counts = selection.counts(devices: 1000)
        #expect(counts.map(\.count) == [2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1])
        #expect(selection.counts(devices: 10).map(\.count).allSatisfy { $0 == 1 })
        try selection.add("flood:0.1")
        #expect(selection.counts(devices: 1000).first { $0.kind == .flood }?.count == 100)
    }
}
