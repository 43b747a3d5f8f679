import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Testing
import WearTesting

/// `wear dashboard` against the four stages running live: the page over
/// real HTTP (what it shows, that it is read-only, that no device id or
/// secret is on it), and once in a real browser: Debian's headless
/// Chromium renders it and the screenshot has the size asked for and is
/// not blank.
@Suite(.serialized, .timeLimit(.minutes(4))) struct DashboardProcessTests {
    /// `wear dashboard` on a free loopback port, reading the pipeline's files; its base URL.
    static func startDashboard(_ pipeline: MonitoringPipeline, in scratch: TemporaryDirectory) throws -> (ProcessGroup, String) {
        let dashboard = try ProcessGroup("dashboard", try Binaries.url(of: "wear").path,
                                         ["dashboard", "--listen", "127.0.0.1:0", "--metrics-dir", pipeline.textfiles.path,
                                          "--receipts", pipeline.receipts.path, "--sample-interval", "500ms", "--window", "2m",
                                          "--refresh", "2s"],
                                         directory: scratch.url)
        var base = ""
        let started = Polling.until(upTo: 30) {
            guard let range = dashboard.stderr.range(of: #"serving http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) else { return false }
            base = String(dashboard.stderr[range].dropFirst("serving ".count).dropLast())
            return true
        }
        guard started else { throw TestSupportError("wear dashboard did not say where it serves: \(dashboard.stderr)") }
        return (dashboard, base)
    }

    /// Device ids as the simulator names them, and the secrets of the run.
    static func forbidden(in page: String, pipeline: MonitoringPipeline) throws -> [String] {
        var found: [String] = []
        if let range = page.range(of: #"wr-[0-9]{6}"#, options: .regularExpression) { found.append(String(page[range])) }
        let keys = try ["master.key", "pseudonym.key"].map {
            try String(contentsOf: pipeline.scratch.file($0), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for secret in Array(MonitoringPipeline.secrets.values.filter { !$0.isEmpty }) + keys where page.contains(secret) {
            found.append("a secret (\(secret.prefix(4))…)")
        }
        return found
    }

    @Test func servesTheLivePipelineReadOnlyWithoutDeviceIdsOrSecrets() throws {
        let pipeline = try MonitoringPipeline()
        defer { pipeline.stop() }
        let scratch = try TemporaryDirectory()
        try pipeline.waitForRecords(200)
        let (dashboard, base) = try Self.startDashboard(pipeline, in: scratch)
        defer { dashboard.stop() }

        // Wait until the page has every stage's line with several points and a post.
        var page = ""
        let drawn = Polling.until(upTo: 90) {
            page = Monitoring.get(base + "/").map { String(decoding: $0.body, as: UTF8.self) } ?? ""
            let lines = MonitoringPipeline.stages.allSatisfy { stage in
                page.range(of: #"data-name="\#(stage)" data-points="([4-9]|[1-9][0-9]+)""#, options: .regularExpression) != nil
            }
            let rejects = page.contains(#"<h2>Rejects by reason</h2><svg"#)
            return lines && rejects && page.contains("class=\"post") && page.contains("#ShitOpsCyberWatch")
        }
        #expect(drawn, "the page never showed every stage's rate, a reject and a post:\n\(page.prefix(4000))\nstderr: \(dashboard.stderr)")
        for section in ["records", "stages", "rejects", "scores", "incidents", "posts", "delivery"] {
            #expect(page.contains("id=\"\(section)\""), "no \(section) section")
        }
        #expect(page.contains("auth_failed") || page.contains("unknown_kid") || page.contains("rule:"), "no reject reason shown")
        #expect(page.contains("scores given"), "no score histogram")
        let leaks = try Self.forbidden(in: page, pipeline: pipeline)
        #expect(leaks.isEmpty, "on the page: \(leaks)")

        // Read-only: one page, GET and HEAD.
        #expect(Monitoring.get(base + "/nope")?.status == 404)
        var post = URLRequest(url: try #require(URL(string: base + "/")))
        post.httpMethod = "POST"
        #expect(Monitoring.send(post)?.status == 405)
        #expect(pipeline.isRunning, "the pipeline ended early: \(pipeline.stderr)")
    }

    @Test(arguments: [
        ([String](), Int32(64), "name the stages' metrics with --metrics-dir or --metrics-file"),
        (["--metrics-dir", "/tmp", "--listen", "8080"], 64, "--listen must be host:port"),
        (["--metrics-dir", "/tmp", "--window", "1s"], 64, "--window must hold at least two samples"),
        (["--metrics-dir", "/nonexistent-wear-dir"], 66, "--metrics-dir /nonexistent-wear-dir: no such folder"),
    ])
    func badArgumentsAreRefusedWithAReason(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear"), ["dashboard"] + arguments)
        #expect(result.status == status, "\(result.stderrText)")
        #expect(result.stderrText.contains(message), "\(result.stderrText)")
        #expect(result.stdout.isEmpty)
    }

    @Test func headlessChromiumRendersThePageWithChartsThatHaveData() throws {
        let chromium = try Monitoring.tool("chromium", package: "chromium")
        let pipeline = try MonitoringPipeline()
        defer { pipeline.stop() }
        let scratch = try TemporaryDirectory()
        try pipeline.waitForRecords(200)
        let (dashboard, base) = try Self.startDashboard(pipeline, in: scratch)
        defer { dashboard.stop() }
        // Twenty seconds of history, so the charts have lines to draw.
        let ready = Polling.until(upTo: 90) {
            let page = Monitoring.get(base + "/").map { String(decoding: $0.body, as: UTF8.self) } ?? ""
            return page.range(of: #"data-points="(4[0-9]|[5-9][0-9]|[1-9][0-9]{2,})""#, options: .regularExpression) != nil
                && page.contains("class=\"post") && page.contains(#"<h2>Rejects by reason</h2><svg"#)
        }
        #expect(ready, "the page did not fill: \(dashboard.stderr)")

        let (width, height) = (1280, 1500)
        let shot = scratch.file("dashboard.png").path
        func browse(_ name: String, _ extra: [String]) throws -> ProcessGroup {
            let browser = try ProcessGroup(name, chromium.path,
                                           ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                            "--user-data-dir=\(scratch.file("profile-\(name)").path)",
                                            "--window-size=\(width),\(height)"] + extra + [base + "/"],
                                           directory: scratch.url)
            guard Polling.until(upTo: 90, { !browser.isRunning }) else {
                browser.stop()
                throw TestSupportError("chromium did not finish within 90 s: \(browser.stderr.suffix(2000))")
            }
            return browser
        }
        let dom = try browse("dom", ["--dump-dom"]).stdout
        #expect(dom.contains("<svg") && dom.contains("<polyline"), "the rendered DOM has no chart: \(dom.prefix(2000))")
        let screenshot = try browse("shot", ["--screenshot=\(shot)"])
        let png = try #require(FileManager.default.contents(atPath: shot), "no screenshot: \(screenshot.stderr.suffix(2000))")
        let pixels = try PNGPixels.count(png)
        #expect(pixels.width == width && pixels.height == height, "\(pixels)")
        // The header bar, the cards and the charts: well over a tenth of the page is not white.
        #expect(Double(pixels.nonWhite) / Double(width * height) > 0.1, "\(pixels)")
        #expect(pixels.colors > 20, "a page of charts has many colours: \(pixels)")
        if ProcessInfo.processInfo.environment["WEAR_UPDATE_SCREENSHOT"] == "1" {
            try png.write(to: Monitoring.repository.appendingPathComponent("docs/dashboard.png"))
        }
        let leaks = try Self.forbidden(in: dom, pipeline: pipeline)
        #expect(leaks.isEmpty, "in the rendered page: \(leaks)")
    }
}

/// Counts a PNG's pixels (python3's zlib inflates; the filters are undone
/// here in the script): size, pixels that are not near-white, distinct colours.
enum PNGPixels {
    static let script = #"""
        import struct, sys, zlib
        data = sys.stdin.buffer.read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
        pos, idat = 8, b''
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if kind == b'IHDR':
                width, height, depth, color = struct.unpack('>IIBB', body[:10])
            elif kind == b'IDAT':
                idat += body
            pos += 12 + length
        assert depth == 8 and color in (2, 6), 'colour type %d depth %d' % (color, depth)
        bpp = 3 if color == 2 else 4
        raw, stride = zlib.decompress(idat), width * bpp
        prev, rows, i = bytearray(stride), [], 0
        for _ in range(height):
            f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(bytes(line)); prev = line
        nonwhite, colors = 0, set()
        for line in rows:
            for x in range(0, stride, bpp):
                r, g, b = line[x], line[x + 1], line[x + 2]
                if r < 235 or g < 235 or b < 235: nonwhite += 1
                colors.add((r >> 4, g >> 4, b >> 4))
        print(width, height, nonwhite, len(colors))
        """#

    static func count(_ png: Data) throws -> (width: Int, height: Int, nonWhite: Int, colors: Int) {
        let python = try Monitoring.tool("python3", package: "python3")
        let result = try ProcessRun.run(python, ["-c", script], input: png)
        let numbers = result.stdoutText.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard result.status == 0, numbers.count == 4 else { throw TestSupportError("reading the PNG: \(result.stderrText)") }
        return (numbers[0], numbers[1], numbers[2], numbers[3])
    }
}
