import Testing
@testable import WearAlert

/// The tracker alone: open, extend, escalate, quiet close, out of order,
/// eviction; and the category and severity tables.
@Suite struct IncidentTrackerTests {
    static let key = PseudonymKey(bytes: Array("tracker-test-key-0123456789abcdef".utf8))
    static let minute: Int64 = 60_000

    func anomaly(_ dev: String = "wr-000001", at time: Int64, _ category: AlertCategory = .tamper,
                 _ severity: PostSeverity = .low) -> Anomaly {
        Anomaly(dev: dev, time: time, category: category, severity: severity, why: [])
    }

    func tracker(quiet: Int64 = 10 * minute, max: Int = 100) -> IncidentTracker {
        IncidentTracker(quiet: quiet, maxIncidents: max, key: Self.key)
    }

    @Test func aFirstAnomalyOpensAnIncidentNamedByPseudonymCategoryAndTime() {
        let tracker = tracker()
        guard case .opened(let incident) = tracker.observe(anomaly(at: 1_763_700_000_000)) else {
            Issue.record("not opened")
            return
        }
        let pseudonym = Self.key.pseudonym(dev: "wr-000001", eventTime: 1_763_700_000_000)
        #expect(incident.id == "\(pseudonym)-tamper-1763700000000")
        #expect(incident.count == 1 && incident.opened == 1_763_700_000_000 && !incident.folded)
        #expect(tracker.openCount == 1 && tracker.openedCount == 1)
    }

    @Test func anomaliesWithinQuietExtendAndAHigherSeverityEscalates() {
        let tracker = tracker()
        _ = tracker.observe(anomaly(at: 0))
        #expect(tracker.observe(anomaly(at: 5 * Self.minute)) == .extended(tracker.open[0]))
        guard case .escalated(let incident, let from) = tracker.observe(anomaly(at: 14 * Self.minute, .tamper, .high)) else {
            Issue.record("not escalated")
            return
        }
        #expect(from == .low && incident.severity == .high && incident.count == 3 && incident.last == 14 * Self.minute)
        // The same severity again, or a lower one, only extends.
        guard case .extended(let same) = tracker.observe(anomaly(at: 15 * Self.minute, .tamper, .medium)) else {
            Issue.record("not extended")
            return
        }
        #expect(same.severity == .high && same.count == 4)
    }

    @Test func categoriesAndDevicesAreSeparateIncidents() {
        let tracker = tracker()
        _ = tracker.observe(anomaly("a", at: 0, .tamper))
        guard case .opened = tracker.observe(anomaly("a", at: 1, .physiology)),
              case .opened = tracker.observe(anomaly("b", at: 2, .tamper)) else {
            Issue.record("expected two more incidents")
            return
        }
        #expect(tracker.openCount == 3)
    }

    @Test func quietEventTimeClosesAnIncidentAndTheNextAnomalyOpensANewOne() {
        let tracker = tracker()
        _ = tracker.observe(anomaly("a", at: 0))
        _ = tracker.observe(anomaly("b", at: 0))
        // Exactly `quiet` later is not yet quiet; one ms more is.
        #expect(tracker.advance(to: 10 * Self.minute).isEmpty)
        _ = tracker.observe(anomaly("b", at: 10 * Self.minute))
        let closed = tracker.advance(to: 10 * Self.minute + 1)
        #expect(closed.map(\.dev) == ["a"])
        #expect(tracker.openCount == 1 && tracker.closedCount == 1)
        guard case .opened(let again) = tracker.observe(anomaly("a", at: 11 * Self.minute)) else {
            Issue.record("not reopened")
            return
        }
        #expect(again.opened == 11 * Self.minute)
        // A late anomaly for a key whose incident is past quiet but not yet swept also starts anew.
        guard case .opened = tracker.observe(anomaly("b", at: 30 * Self.minute)) else {
            Issue.record("not reopened after quiet")
            return
        }
    }

    @Test func outOfOrderAnomaliesExtendWithoutMovingTimesBack() {
        let tracker = tracker()
        _ = tracker.observe(anomaly(at: 5 * Self.minute))
        guard case .extended(let incident) = tracker.observe(anomaly(at: 2 * Self.minute)) else {
            Issue.record("not extended")
            return
        }
        #expect(incident.opened == 5 * Self.minute && incident.last == 5 * Self.minute && incident.count == 2)
        #expect(tracker.lateCount == 1)
        // The watermark never moves back either.
        #expect(tracker.watermark == 5 * Self.minute)
        tracker.advance(to: Self.minute)
        #expect(tracker.watermark == 5 * Self.minute)
    }

    @Test func theLeastRecentlySeenIncidentIsEvictedWhenFull() {
        let tracker = tracker(max: 2)
        _ = tracker.observe(anomaly("a", at: 0))
        _ = tracker.observe(anomaly("b", at: 1))
        _ = tracker.observe(anomaly("a", at: 2))
        _ = tracker.observe(anomaly("c", at: 3))
        #expect(tracker.open.map(\.dev) == ["a", "c"])
        #expect(tracker.evictions == 1)
    }

    @Test func restoringTheOpenIncidentsGivesTheSameTracker() {
        let first = tracker()
        for (index, dev) in ["a", "b", "c", "a"].enumerated() { _ = first.observe(anomaly(dev, at: Int64(index) * Self.minute)) }
        let second = tracker()
        second.restore(first.open, watermark: first.watermark, nextSweep: first.nextSweep)
        #expect(second.open == first.open)
        #expect(second.observe(anomaly("b", at: 4 * Self.minute)) == first.observe(anomaly("b", at: 4 * Self.minute)))
    }
}

@Suite struct CategoryTableTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let why: [(String, String)]
        let flags: [String]
        let category: AlertCategory
        var testDescription: String { "\(why) \(flags) -> \(category)" }
    }

    static let cases: [Case] = [
        Case(why: [("all", "stuck")], flags: [], category: .sensor),
        Case(why: [("hr", "stuck")], flags: [], category: .sensor),
        Case(why: [("hr", "level"), ("acc_mag", "change")], flags: [], category: .physiology),
        Case(why: [("spo2", "change")], flags: [], category: .physiology),
        Case(why: [("temp", "level")], flags: [], category: .physiology),
        Case(why: [("acc_mag", "level"), ("hr", "level")], flags: [], category: .tamper),
        Case(why: [("gyro_mag", "change")], flags: [], category: .tamper),
        Case(why: [("dt", "level")], flags: [], category: .traffic),
        Case(why: [("sz", "change")], flags: ["shock"], category: .traffic),
        Case(why: [("cpu", "level")], flags: [], category: .sensor),
        Case(why: [], flags: ["replay"], category: .traffic),
        Case(why: [], flags: ["unknown_tag", "shock"], category: .tamper),
        Case(why: [], flags: ["hr_extreme"], category: .physiology),
        Case(why: [], flags: ["burst", "gap", "skew", "size_dev"], category: .traffic),
        Case(why: [], flags: [], category: .sensor),
    ]

    @Test(arguments: cases)
    func theStrongestEvidenceDecides(_ testCase: Case) {
        let why = testCase.why.compactMap { WhyItem(feature: $0.0, kind: $0.1) }
        #expect(CategoryTable.standard.category(why: why, flags: testCase.flags) == testCase.category)
    }

    @Test func categoryArgumentsAddOrOverrideNamesAndBadOnesSayWhy() throws {
        var table = CategoryTable.standard
        try table.apply("cpu=traffic")
        try table.apply("replay=tamper")
        #expect(table.category(why: [WhyItem(feature: "cpu", kind: "level")!], flags: []) == .traffic)
        #expect(table.category(why: [], flags: ["replay"]) == .tamper)
        #expect(throws: CategoryTableError("--category cpu: expected NAME=CATEGORY, e.g. cpu=traffic (categories: physiology, tamper, sensor, traffic)")) {
            try table.apply("cpu")
        }
        #expect(throws: CategoryTableError("--category cpu=network: unknown category 'network' (categories: physiology, tamper, sensor, traffic)")) {
            try table.apply("cpu=network")
        }
    }

    @Test func severityFollowsTheStrongestZ() {
        #expect(SeverityScale.severity(z: nil) == .low)
        #expect(SeverityScale.severity(z: 4.9) == .low)
        #expect(SeverityScale.severity(z: 5) == .medium)
        #expect(SeverityScale.severity(z: -7.5) == .high)
        #expect(SeverityScale.severity(z: 10) == .critical)
        #expect(SeverityScale.severity(z: .infinity) == .critical)
    }
}

@Suite struct PostBudgetTests {
    @Test func aSlidingWindowAllowsLimitPostsInAnyWindow() {
        var budget = PostBudget(limit: 3, window: 1000)
        for time in [0, 100, 200] as [Int64] { budget.spend(at: time) }
        #expect(budget.remaining(at: 300) == 0)
        #expect(budget.nextFree(at: 300) == 1000)
        #expect(budget.remaining(at: 1000) == 1)
        #expect(budget.remaining(at: 1200) == 3)
        #expect(budget.nextFree(at: 1200) == 1200)
    }

    @Test func theLastPostIsKeptForADigestAndTheQueueWaitsItsInterval() {
        var planner = PostPlanner(budget: PostBudget(limit: 2, window: 10_000), digestInterval: 1000)
        let incident = Incident(id: "X-tamper-1", dev: "d", category: .tamper, pseudonym: "AAAAAAAA", opened: 1, last: 1,
                                count: 1, severity: .low, why: [], folded: false)
        #expect(planner.admitOpening(incident, at: 0) == .post)
        #expect(planner.admitOpening(incident, at: 10) == .fold)
        #expect(planner.admitEscalation(incident, at: 20) == .skip)
        #expect(planner.dueDigest(at: 500, end: 5) == nil)
        #expect(planner.nextWake(at: 500) == 1010)
        let digest = planner.dueDigest(at: 1010, end: 3_600_001)
        #expect(digest?.incidents.map(\.id) == ["X-tamper-1"])
        #expect(digest?.facts == DigestPost(counts: [.tamper: 1], window: 3_600_000, end: 3_600_001))
        #expect(planner.budget.remaining(at: 1010) == 0 && planner.queue.isEmpty)
    }
}
