import Foundation

/// The one page `wear dashboard` serves: self-contained HTML (inline CSS
/// and SVG, no script, no external asset), reloading itself every
/// `refresh` seconds. Every text from a file is HTML-escaped.
public enum DashboardPage {
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    public static func render(_ view: DashboardView, refresh: Int) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refresh)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>wear pipeline</title>
            <style>
            body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
            header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;justify-content:space-between;align-items:baseline}
            header h1{font-size:20px;margin:0}header span{font-size:13px;color:#c8cdd6}
            main{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:14px;padding:14px}
            section{background:#fff;border-radius:6px;box-shadow:0 1px 2px rgba(0,0,0,.12);padding:12px 14px}
            section.wide{grid-column:1/-1}
            h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%;font-size:13px}
            td,th{text-align:left;padding:3px 6px;border-bottom:1px solid #eceef2}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            .big{font-size:32px;font-weight:600}.label{font-size:12px;color:#5b6475}.facts{display:flex;gap:28px;flex-wrap:wrap}
            .post{border-left:3px solid #1f77b4;padding:4px 8px;margin:6px 0;font-size:13px;white-space:pre-wrap}
            .post.digest{border-color:#9467bd}.muted{color:#8a93a3;font-size:13px}.warn{color:#b3261e}
            svg text{font-size:11px;fill:#5b6475}
            </style></head><body>
            <header><h1>wear pipeline</h1><span>\(escape(clock(view.time))) UTC · last \(Int(view.window / 60)) min · refreshes every \(refresh) s · read-only</span></header>
            <main>

            """
        html += recordsSection(view)
        html += stagesSection(view)
        html += rejectsSection(view)
        html += scoresSection(view)
        html += incidentsSection(view)
        html += postsSection(view)
        html += deliverySection(view)
        if !view.problems.isEmpty {
            html += "<section class=\"wide\"><h2>Metrics files</h2>"
            html += view.problems.map { "<div class=\"warn\">\(escape($0))</div>" }.joined() + "</section>\n"
        }
        html += "</main></body></html>\n"
        return html
    }

    // MARK: sections

    static func recordsSection(_ view: DashboardView) -> String {
        let series = view.stages.enumerated().map { index, stage in
            (name: stage.name, color: colors[index % colors.count], points: stage.rates.map { ($0.time, $0.perSecond) })
        }
        let legend = series.map { "<span style=\"color:\($0.color)\">■</span> \(escape($0.name)) "
            + "\(format(($0.points.last?.1) ?? 0))/s" }.joined(separator: " &nbsp; ")
        return "<section class=\"wide\" id=\"records\"><h2>Records in per second, by stage</h2>"
            + lineChart(series, from: view.time - view.window, to: view.time, width: 1000, height: 230)
            + "<div class=\"label\">\(legend)</div></section>\n"
    }

    static func stagesSection(_ view: DashboardView) -> String {
        var rows = ""
        for stage in view.stages {
            let age = stage.fileAge.map { "\(format($0)) s ago" } ?? "-"
            let stale = (stage.fileAge ?? 0) > 120 ? " class=\"warn\"" : ""
            rows += "<tr><td>\(escape(stage.name))</td><td class=\"n\">\(format(stage.recordsIn))</td>"
                + "<td class=\"n\">\(format(stage.recordsOut))</td><td class=\"n\">\(format(stage.rejected))</td>"
                + "<td class=\"n\"\(stale)>\(age)</td></tr>"
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"5\" class=\"muted\">no metrics file read yet</td></tr>" }
        return "<section id=\"stages\"><h2>Stages</h2><table><tr><th>stage</th><th class=\"n\">in</th><th class=\"n\">out</th>"
            + "<th class=\"n\">rejected</th><th class=\"n\">metrics written</th></tr>\(rows)</table></section>\n"
    }

    static func rejectsSection(_ view: DashboardView) -> String {
        let top = Array(view.rejects.prefix(12))
        guard !top.isEmpty else { return "<section id=\"rejects\"><h2>Rejects by reason</h2><div class=\"muted\">none</div></section>\n" }
        let bars = top.map { (label: "\($0.stage.replacingOccurrences(of: "wear-", with: "")) \($0.reason)", value: $0.count) }
        return "<section id=\"rejects\"><h2>Rejects by reason</h2>" + barChart(bars, width: 480) + "</section>\n"
    }

    static func scoresSection(_ view: DashboardView) -> String {
        guard !view.scoreBuckets.isEmpty else {
            return "<section id=\"scores\"><h2>Score histogram</h2><div class=\"muted\">wear-score not seen yet</div></section>\n"
        }
        var previous = "0"
        let bars = view.scoreBuckets.map { bucket -> (label: String, value: Double) in
            defer { previous = String(bucket.upperBound) }
            return (bucket.upperBound.isInfinite ? "> \(previous)" : "≤ \(bucket.upperBound)", bucket.count)
        }
        return "<section id=\"scores\"><h2>Score histogram</h2>" + columnChart(bars, width: 480, height: 190)
            + "<div class=\"label\">\(format(view.scored ?? 0)) scores given, by bucket of wear_score_score; bar heights on a log scale</div></section>\n"
    }

    static func incidentsSection(_ view: DashboardView) -> String {
        let events = ["opened", "escalated", "closed", "evicted"].map { event in
            "<div><div class=\"big\">\(format(view.incidentEvents[event] ?? 0))</div><div class=\"label\">\(event)</div></div>"
        }.joined()
        return "<section id=\"incidents\"><h2>Incidents</h2><div class=\"facts\"><div><div class=\"big\">"
            + "\(view.incidentsOpen.map(format) ?? "-")</div><div class=\"label\">open now</div></div>\(events)</div></section>\n"
    }

    static func postsSection(_ view: DashboardView) -> String {
        let counts = "incident posts \(format(view.postsByKind["incident"] ?? 0)) · digests \(format(view.postsByKind["digest"] ?? 0))"
        let list = view.posts.isEmpty ? "<div class=\"muted\">no posts yet</div>"
            : view.posts.map { "<div class=\"post\(($0.status == "digest") ? " digest" : "")\">\(escape($0.text))</div>" }.joined()
        return "<section class=\"wide\" id=\"posts\"><h2>Recent posts</h2><div class=\"label\">\(counts)</div>\(list)</section>\n"
    }

    static func deliverySection(_ view: DashboardView) -> String {
        func fact(_ value: Double?, _ label: String, unit: String = "") -> String {
            "<div><div class=\"big\">\(value.map { format($0) + unit } ?? "-")</div><div class=\"label\">\(label)</div></div>"
        }
        let stale = (view.stateAge ?? 0) > 900 ? " warn" : ""
        let spark = view.outboxSeries.isEmpty ? "" : lineChart([(name: "outbox", color: colors[3], points: view.outboxSeries.map { ($0.time, $0.value) })],
                                                               from: view.time - view.window, to: view.time, width: 480, height: 90)
        return "<section id=\"delivery\"><h2>Outbox, budget and state</h2><div class=\"facts\">"
            + fact(view.outboxPending, "posts in the outbox") + fact(view.budgetRemaining, "budget remaining")
            + fact(view.digestQueue, "queued for a digest")
            + "<div class=\"\(stale)\">" + fact(view.stateAge, "score state age", unit: " s") + "</div></div>\(spark)</section>\n"
    }

    // MARK: charts (inline SVG)

    static func lineChart(_ series: [(name: String, color: String, points: [(Double, Double)])], from start: Double, to end: Double,
                          width: Int, height: Int) -> String {
        let left = 56.0, bottom = 20.0, top = 8.0, right = 8.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let peak = series.flatMap { $0.points.map(\.1) }.max() ?? 0
        let yMax = niceCeiling(max(peak, 1))
        let span = max(end - start, 1)
        var svg = "<svg viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"chart\">"
        for step in 0...4 {
            let value = yMax * Double(step) / 4
            let y = top + plotH - plotH * Double(step) / 4
            svg += "<line x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(fixed(y))\" y2=\"\(fixed(y))\" stroke=\"#e3e6eb\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(fixed(y + 4))\" text-anchor=\"end\">\(format(value))</text>"
        }
        for step in 0...4 {
            let x = left + plotW * Double(step) / 4
            let ago = span * (1 - Double(step) / 4)
            let anchor = step == 0 ? "start" : step == 4 ? "end" : "middle"
            svg += "<text x=\"\(fixed(x))\" y=\"\(height - 4)\" text-anchor=\"\(anchor)\">\(ago < 1 ? "now" : "-" + duration(ago))</text>"
        }
        for line in series where !line.points.isEmpty {
            let coordinates = line.points.map { time, value in
                "\(fixed(left + plotW * min(max((time - start) / span, 0), 1))),\(fixed(top + plotH - plotH * min(value / yMax, 1)))"
            }
            svg += "<polyline class=\"series\" data-name=\"\(escape(line.name))\" data-points=\"\(line.points.count)\" fill=\"none\" "
                + "stroke=\"\(line.color)\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"/>"
        }
        return svg + "</svg>"
    }

    static func barChart(_ bars: [(label: String, value: Double)], width: Int) -> String {
        let row = 20.0, labelW = 190.0, valueW = 60.0
        let height = Int(row * Double(bars.count)) + 4
        let peak = max(bars.map(\.value).max() ?? 1, 1)
        var svg = "<svg viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"bars\">"
        for (index, bar) in bars.enumerated() {
            let y = Double(index) * row + 2
            let w = max(1, (Double(width) - labelW - valueW) * bar.value / peak)
            svg += "<text x=\"\(labelW - 6)\" y=\"\(fixed(y + 13))\" text-anchor=\"end\">\(escape(bar.label))</text>"
            svg += "<rect class=\"bar\" x=\"\(labelW)\" y=\"\(fixed(y + 2))\" width=\"\(fixed(w))\" height=\"\(row - 5)\" fill=\"\(colors[3])\"/>"
            svg += "<text x=\"\(fixed(labelW + w + 4))\" y=\"\(fixed(y + 13))\">\(format(bar.value))</text>"
        }
        return svg + "</svg>"
    }

    /// Vertical bars on a log scale (scores crowd the lowest bucket).
    static func columnChart(_ bars: [(label: String, value: Double)], width: Int, height: Int) -> String {
        let bottom = 34.0, top = 14.0
        let plotH = Double(height) - bottom - top
        let slot = Double(width) / Double(max(bars.count, 1))
        let peak = log10(max(bars.map(\.value).max() ?? 1, 1) + 1)
        var svg = "<svg viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"histogram\">"
        for (index, bar) in bars.enumerated() {
            let h = peak > 0 ? plotH * log10(bar.value + 1) / peak : 0
            let x = Double(index) * slot
            svg += "<rect class=\"bar\" x=\"\(fixed(x + 6))\" y=\"\(fixed(top + plotH - h))\" width=\"\(fixed(slot - 12))\" "
                + "height=\"\(fixed(max(h, 0.5)))\" fill=\"\(colors[0])\"/>"
            svg += "<text x=\"\(fixed(x + slot / 2))\" y=\"\(fixed(top + plotH - h - 3))\" text-anchor=\"middle\">\(format(bar.value))</text>"
            svg += "<text x=\"\(fixed(x + slot / 2))\" y=\"\(height - 18)\" text-anchor=\"middle\">\(escape(bar.label))</text>"
        }
        return svg + "<text x=\"\(width / 2)\" y=\"\(height - 3)\" text-anchor=\"middle\">score</text></svg>"
    }

    // MARK: formatting

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if magnitude >= 10_000 { return String(format: "%.1fk", value / 1_000) }
        if value == value.rounded() { return String(Int64(value)) }
        return String(format: magnitude >= 10 ? "%.0f" : "%.1f", value)
    }

    static func fixed(_ value: Double) -> String { String(format: "%.1f", value) }

    static func duration(_ seconds: Double) -> String {
        seconds >= 120 ? "\(Int((seconds / 60).rounded()))m" : "\(Int(seconds.rounded()))s"
    }

    static func niceCeiling(_ value: Double) -> Double {
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2, 2.5, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    static func clock(_ time: Double) -> String {
        var seconds = time_t(time)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
