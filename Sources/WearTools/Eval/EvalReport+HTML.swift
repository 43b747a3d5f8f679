import Foundation
import WearCore

extension EvalReport {
    /// The report as one self-contained HTML page (inline CSS and SVG, no
    /// script, no external asset): a table whose cells are shaded by the
    /// share of each attack's instances caught at each stage, a recall bar
    /// per attack, and each attack's median detection delay on a log scale
    /// (a dot per stage, a bar for the first catch anywhere).
    public func html(title: String = "wear eval") -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>
            body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:24px;color:#1d2330;max-width:1100px}
            h1{font-size:22px}h2{font-size:16px;margin-top:28px}
            table{border-collapse:collapse;font-size:13px}th,td{padding:5px 9px;border:1px solid #e1e4ea;text-align:right;font-variant-numeric:tabular-nums}
            th:first-child,td:first-child{text-align:left}tr.total td{font-weight:600;border-top:2px solid #1d2330}
            .note{color:#5b6475;font-size:12px;max-width:900px}svg text{font-size:11px;fill:#3b4252}
            </style></head><body>
            <h1>\(Self.escape(title)): what was injected and where it was caught</h1>
            <p class="note">Score threshold \(Self.number(threshold)). A cell is the number of an attack's instances with at least one record
            caught at that stage, shaded by its share of the instances injected; "-" means that stage's output was not given.
            Recall: instances caught anywhere / injected. Delay: median event time from an attack's first record to its first catch.</p>

            """
        page += detectionTable()
        page += "<h2>Median detection delay per attack</h2>\n" + delayChart()
        page += "<p class=\"note\">Log scale. The bar is the first catch at any stage; a dot is the first catch at that stage.</p>\n"
        page += falsePositiveTable()
        if !warnings.isEmpty {
            page += "<h2>Warnings</h2><ul>" + warnings.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>\n"
        }
        return page + "</body></html>\n"
    }

    static let stageColors = ["#6c4ab6", "#d62728", "#ff7f0e", "#1f77b4", "#2ca02c"]

    private func detectionTable() -> String {
        var html = "<table id=\"detection\"><tr><th>attack</th><th>injected</th><th>records</th>"
        html += CatchStage.allCases.map { "<th>\(Self.escape($0.heading))</th>" }.joined()
        html += "<th>caught</th><th>recall</th><th>delay</th></tr>\n"
        for row in rows + [total] {
            html += "<tr\(row.attack == "all" ? " class=\"total\"" : "")><td>\(Self.escape(row.attack))</td>"
                + "<td>\(row.injected)</td><td>\(row.records)</td>"
            for caught in row.caught {
                guard let caught else { html += "<td style=\"color:#8a93a3\">-</td>"; continue }
                let share = row.injected > 0 ? Double(caught) / Double(row.injected) : 0
                html += "<td style=\"background:\(Self.shade(share))\">\(caught)</td>"
            }
            html += "<td>\(row.caughtAnywhere)</td><td>\(Self.recallBar(row.recall))</td><td>\(Self.duration(row.medianDelayMs))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private func delayChart() -> String {
        let delayed = rows.filter { $0.medianDelayMs != nil || $0.stageDelayMs.contains { $0 != nil } }
        guard !delayed.isEmpty else { return "<p class=\"note\">No attack was caught: no delay to draw.</p>\n" }
        let left = 130.0, right = 20.0, top = 24.0, rowHeight = 22.0, width = 900.0
        let height = top + rowHeight * Double(delayed.count) + 30
        // Decades from 100 ms (10^2 ms) to the largest delay's decade.
        let largest = delayed.flatMap { [$0.medianDelayMs] + $0.stageDelayMs }.compactMap { $0 }.max() ?? 1000
        let low = 2.0, high = max(3, ceil(log10(Double(max(largest, 1)))))
        let plot = width - left - right
        func x(_ ms: Int64) -> Double { left + plot * (min(max(log10(Double(max(ms, 1))), low), high) - low) / (high - low) }
        var svg = "<svg id=\"delays\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"detection delay\">"
        for (index, stage) in CatchStage.allCases.enumerated() {
            let lx = left + Double(index) * 110
            svg += "<circle cx=\"\(Self.fixed(lx))\" cy=\"10\" r=\"5\" fill=\"\(Self.stageColors[index])\"/>"
                + "<text x=\"\(Self.fixed(lx + 9))\" y=\"14\">\(Self.escape(stage.heading))</text>"
        }
        for decade in Int(low)...Int(high) {
            let ms = Int64(pow(10, Double(decade)))
            let gx = x(ms)
            svg += "<line x1=\"\(Self.fixed(gx))\" x2=\"\(Self.fixed(gx))\" y1=\"\(top)\" y2=\"\(height - 24)\" stroke=\"#e3e6eb\"/>"
                + "<text x=\"\(Self.fixed(gx))\" y=\"\(Self.fixed(height - 10))\" text-anchor=\"middle\">\(Self.duration(ms))</text>"
        }
        for (index, row) in delayed.enumerated() {
            let y = top + Double(index) * rowHeight
            svg += "<text x=\"\(left - 8)\" y=\"\(Self.fixed(y + 15))\" text-anchor=\"end\">\(Self.escape(row.attack))</text>"
            if let median = row.medianDelayMs {
                svg += "<rect class=\"delay\" x=\"\(left)\" y=\"\(Self.fixed(y + 5))\" width=\"\(Self.fixed(max(1, x(median) - left)))\" height=\"12\" fill=\"#c9d3e3\"/>"
                    + "<text x=\"\(Self.fixed(x(median) + 6))\" y=\"\(Self.fixed(y + 15))\">\(Self.duration(median))</text>"
            }
            for (stage, delay) in row.stageDelayMs.enumerated() {
                guard let delay else { continue }
                svg += "<circle cx=\"\(Self.fixed(x(delay)))\" cy=\"\(Self.fixed(y + 11))\" r=\"4.5\" fill=\"\(Self.stageColors[stage])\" "
                    + "fill-opacity=\"0.85\"><title>\(Self.escape(CatchStage.allCases[stage].heading)): \(Self.duration(delay))</title></circle>"
            }
        }
        return svg + "</svg>\n"
    }

    private func falsePositiveTable() -> String {
        var html = "<h2>False positives on clean records</h2><table id=\"false-positives\"><tr><th>stage</th><th>flagged</th><th>of</th><th>rate</th></tr>\n"
        for rate in falsePositives {
            html += "<tr><td>\(Self.escape(rate.name))</td><td>\(rate.count.map(String.init) ?? "-")</td>"
                + "<td>\(rate.total.map(String.init) ?? "-")</td><td>\(Self.percent(rate.rate, digits: 3))</td></tr>\n"
        }
        html += "</table>\n"
        if receipts > 0 {
            html += "<p class=\"note\">Receipts: \(receipts) (\(digests) digests, \(queued) queued, \(unattributedReceipts) naming no known device).</p>\n"
        }
        return html
    }

    /// White for 0, a saturated green for 1.
    static func shade(_ share: Double) -> String {
        let t = min(max(share, 0), 1)
        func channel(_ from: Double, _ to: Double) -> Int { Int((from + (to - from) * t).rounded()) }
        return "rgb(\(channel(255, 76)),\(channel(255, 175)),\(channel(255, 80)))"
    }

    static func recallBar(_ recall: Double?) -> String {
        guard let recall else { return "-" }
        let width = 80.0
        return "<svg class=\"recall\" width=\"\(Int(width) + 52)\" height=\"14\" viewBox=\"0 0 \(Int(width) + 52) 14\">"
            + "<rect x=\"0\" y=\"2\" width=\"\(Int(width))\" height=\"10\" fill=\"#eceef2\"/>"
            + "<rect x=\"0\" y=\"2\" width=\"\(fixed(width * min(max(recall, 0), 1)))\" height=\"10\" fill=\"#2ca02c\"/>"
            + "<text x=\"\(Int(width) + 4)\" y=\"11\">\(percent(recall))</text></svg>"
    }

    static func fixed(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
