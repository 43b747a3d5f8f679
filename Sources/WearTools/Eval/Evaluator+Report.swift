extension Evaluator {
    /// The report for everything fed so far.
    public func report() -> EvalReport {
        let kinds = Self.attackOrder(labels.map(\.attack))
        let rows = kinds.map { kind in row(kind, labels.indices.filter { labels[$0].attack == kind }) }
        let total = row("all", Array(labels.indices))
        let attacked = Set(labels.map(\.dev))
        let cleanDevices = clean.devices.subtracting(attacked)
        let hasScored = sources.contains(.filterTag)
        var rates = [
            EvalReport.Rate(name: "decrypt reject", key: "decrypt",
                            count: sources.contains(.decrypt) ? clean.decryptRejects : nil, total: nil),
            EvalReport.Rate(name: "filter drop", key: "filter_drop", count: sources.contains(.filterDrop) ? clean.filterDrops : nil,
                            total: hasScored && sources.contains(.filterDrop) ? clean.filterDrops + clean.seen : nil),
            EvalReport.Rate(name: "filter tag", key: "filter_tag", count: hasScored ? clean.tagged : nil,
                            total: hasScored ? clean.seen : nil),
            EvalReport.Rate(name: "score >= \(EvalReport.number(threshold))", key: "score",
                            count: sources.contains(.score) ? clean.scoredHigh : nil,
                            total: sources.contains(.score) ? clean.scored : nil),
        ]
        if sources.contains(.alert) {
            rates.append(EvalReport.Rate(name: "alert (devices)", key: "alert",
                                         count: receipts.cleanDevicesAlerted.subtracting(attacked).count,
                                         total: hasScored ? cleanDevices.count : nil))
        }
        return EvalReport(
            threshold: threshold, rows: rows, total: total, falsePositives: rates,
            cleanDropReasons: clean.filterDropReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) },
            cleanFlags: clean.flags.sorted { ($1.value, $0.key) < ($0.value, $1.key) },
            unidentified: unidentified, otherRejects: otherRejects,
            receipts: receipts.total, digests: receipts.digests, queued: receipts.queued, unattributedReceipts: receipts.unattributed,
            warnings: warnings()
        )
    }

    /// Signs that the labels do not belong to the outputs given.
    func warnings() -> [String] {
        var warnings: [String] = []
        if clean.decryptRejects > 0 {
            let reasons = cleanDecryptReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                .prefix(4).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            warnings.append("wear-decrypt rejected \(clean.decryptRejects) records the labels do not name (\(reasons)): "
                            + "clean records decrypt with the run's keys, so the labels or the keys may be from another run")
        }
        let total = labels.reduce(0) { $0 + $1.count }
        if total > 0, !sources.isEmpty, labelledSeen == 0 {
            warnings.append("none of the \(total) labelled records appear in the outputs given: "
                            + "are the labels from this run (same --seed, --devices, --start)?")
        }
        return warnings
    }

    private func row(_ attack: String, _ members: [Int]) -> EvalReport.Row {
        let caught = CatchStage.allCases.map { stage -> Int? in
            sources.contains(stage) ? members.filter { tallies[$0].caught[stage.rawValue] }.count : nil
        }
        let delays = members.compactMap { tallies[$0].delay(at: nil, start: labels[$0].start) }
        let stageDelays = CatchStage.allCases.map { stage in
            EvalReport.median(members.compactMap { tallies[$0].delay(at: stage, start: labels[$0].start) })
        }
        return EvalReport.Row(
            attack: attack,
            injected: members.count,
            records: members.reduce(0) { $0 + labels[$1].count },
            caught: caught,
            caughtAnywhere: members.filter { tallies[$0].caughtAnywhere }.count,
            recordsCaught: members.reduce(0) { $0 + tallies[$1].caughtEntries.count },
            medianDelayMs: EvalReport.median(delays),
            stageDelayMs: stageDelays
        )
    }

    /// Known attack names in canonical order, then any others alphabetically.
    static func attackOrder(_ names: [String]) -> [String] {
        let present = Set(names)
        let known = AttackKind.allCases.map(\.name).filter(present.contains)
        return known + present.subtracting(known).sorted()
    }
}
