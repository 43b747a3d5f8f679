import WearCore

extension EvalReport {
    /// The table people read.
    public func table() -> String {
        var header = [pad("attack", 15, left: true), pad("injected", 8), pad("records", 8)]
        header += CatchStage.allCases.map { pad($0.heading, 7) }
        header += [pad("caught", 6), pad("recall", 7), pad("rec.recall", 10), pad("delay", 8)]
        var lines = [header.joined(separator: " ")]
        for row in rows + [total] {
            if row.attack == "all" { lines.append(String(repeating: "-", count: lines[0].count)) }
            var cells = [pad(row.attack, 15, left: true), pad("\(row.injected)", 8), pad("\(row.records)", 8)]
            cells += row.caught.map { pad($0.map(String.init) ?? "-", 7) }
            cells += [pad("\(row.caughtAnywhere)", 6), pad(Self.percent(row.recall), 7),
                      pad(Self.percent(row.records > 0 ? Double(row.recordsCaught) / Double(row.records) : nil), 10),
                      pad(Self.duration(row.medianDelayMs), 8)]
            lines.append(cells.joined(separator: " "))
        }
        lines.append("")
        lines.append("caught: instances with at least one record caught at that stage (- = not measured: that output was not given, or no scored record carried a score);")
        lines.append("recall: instances caught anywhere / injected; rec.recall: records caught / records altered or inserted;")
        lines.append("delay: median event time from an attack's first record to its first catch.")
        lines.append("")
        lines.append("false positives on clean records (- = not measured):")
        for rate in falsePositives {
            let count = rate.count.map(String.init) ?? "-"
            let share = rate.total.map { "\(count) of \($0)  \(Self.percent(rate.rate, digits: 3))" } ?? count
            lines.append("  " + pad(rate.name, 16, left: true) + " " + share)
        }
        if !cleanDropReasons.isEmpty {
            lines.append("  clean drops by reason: " + cleanDropReasons.prefix(8).map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        }
        if !cleanFlags.isEmpty {
            lines.append("  clean tags by flag: " + cleanFlags.prefix(8).map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        }
        if receipts > 0 {
            lines.append("receipts: \(receipts) (\(digests) digests, \(queued) queued, \(unattributedReceipts) naming no known device)")
        }
        if unidentified > 0 || otherRejects > 0 {
            lines.append("not evaluated: \(unidentified) lines naming no device, \(otherRejects) rejects of other stages")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + fill : fill + text
    }

    static func percent(_ value: Double?, digits: Int = 1) -> String {
        guard let value else { return "-" }
        let scale = digits == 1 ? 10.0 : 1000.0
        let scaled = (value * 100 * scale).rounded() / scale
        return "\(scaled)%"
    }

    static func duration(_ ms: Int64?) -> String {
        guard let ms else { return "-" }
        if ms < 1000 { return "\(ms)ms" }
        if ms < 600_000 { return "\(Double(ms / 100) / 10)s" }
        return "\(Double(ms / 6000) / 10)m"
    }

    /// The report as JSON, for machines.
    public func document() -> JSONDocument {
        let root = JSONDocument.object()
        root.set("threshold", Self.real(threshold))
        let attacks = JSONDocument.array()
        for row in rows { attacks.append(Self.document(row)) }
        root.set("attacks", attacks)
        root.set("total", Self.document(total))
        let clean = JSONDocument.object()
        for rate in falsePositives {
            let entry = JSONDocument.object()
            entry.set("count", rate.count.map { JSONDocument.integer(Int64($0)) } ?? .null())
            entry.set("total", rate.total.map { JSONDocument.integer(Int64($0)) } ?? .null())
            entry.set("rate", rate.rate.map(Self.real) ?? .null())
            clean.set(rate.key, entry)
        }
        clean.set("drop_reasons", Self.counts(cleanDropReasons))
        clean.set("flags", Self.counts(cleanFlags))
        root.set("false_positives", clean)
        root.set("receipts", receipts)
        root.set("digests", digests)
        root.set("queued", queued)
        root.set("unattributed_receipts", unattributedReceipts)
        root.set("unidentified_lines", unidentified)
        root.set("other_rejects", otherRejects)
        let warningList = JSONDocument.array()
        for warning in warnings { warningList.append(.string(warning)) }
        root.set("warnings", warningList)
        return root
    }

    /// A real rounded to 6 decimals, so JSON shows 0.8 and 0.666667.
    static func real(_ value: Double) -> JSONDocument { .real(rounded(value)) }

    private static func counts(_ pairs: [(String, Int)]) -> JSONDocument {
        let object = JSONDocument.object()
        for (key, value) in pairs { object.set(key, value) }
        return object
    }

    private static func document(_ row: Row) -> JSONDocument {
        let object = JSONDocument.object()
        object.set("attack", row.attack)
        object.set("injected", row.injected)
        object.set("records", row.records)
        let caught = JSONDocument.object()
        let delays = JSONDocument.object()
        for stage in CatchStage.allCases {
            caught.set(stage.key, row.caught[stage.rawValue].map { JSONDocument.integer(Int64($0)) } ?? .null())
            delays.set(stage.key, row.stageDelayMs[stage.rawValue].map(JSONDocument.integer) ?? .null())
        }
        object.set("caught", caught)
        object.set("caught_any", row.caughtAnywhere)
        object.set("recall", row.recall.map(Self.real) ?? .null())
        object.set("records_caught", row.recordsCaught)
        object.set("median_delay_ms", row.medianDelayMs.map(JSONDocument.integer) ?? .null())
        object.set("median_delay_ms_by_stage", delays)
        return object
    }
}
