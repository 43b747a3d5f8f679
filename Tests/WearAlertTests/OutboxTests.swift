import Foundation
import Glibc
import Testing
import WearAlert
import WearCore
import WearTesting

/// The outbox's files: written before the first attempt, private, named in
/// creation order, loaded in order at start, locked against a second
/// process, corrupt files moved aside.
@Suite struct OutboxTests {
    let now = WallTime(epochSeconds: 1_763_700_000)

    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test func createsThePrivateDirectoryAndWritesEachEntryBeforeReturning() throws {
        let fixture = try OutboxFixture()
        let outbox = try fixture.openOutbox()
        #expect(mode(fixture.directory) == 0o700)
        let entry = try outbox.add(incident: "wr-0042/tamper/1763700011500", kind: .post, text: "Tamper on KQ4DFA2B #ShitOpsCyberWatch", now: now)
        let path = outbox.path(of: entry)
        #expect(entry.fileName == "00000000000000000001-wr-0042_tamper_1763700011500.json")
        #expect(mode(path) == 0o600)
        let content = try String(contentsOfFile: path, encoding: .utf8)
        #expect(content == #"{"version":1,"seq":1,"incident":"wr-0042/tamper/1763700011500","kind":"post","text":"Tamper on KQ4DFA2B #ShitOpsCyberWatch","created":1763700000000,"attempts":0,"next_attempt":null,"status":"pending","hold":false,"last_error":null}"# + "\n")
        #expect(outbox.count == 1)
    }

    @Test func namesSortInCreationOrderPastNineAndLoadInThatOrder() throws {
        let fixture = try OutboxFixture()
        do {
            let outbox = try fixture.openOutbox()
            for index in 1...12 {
                try outbox.add(incident: "i\(index)", kind: index % 5 == 0 ? .digest : .post, text: "post \(index)", now: now)
            }
            outbox.close()
        }
        let files = try fixture.entryFiles()
        #expect(files == files.sorted())
        #expect(files.first == "00000000000000000001-i1.json")
        #expect(files.last == "00000000000000000012-i12.json")
        let reopened = try fixture.openOutbox()
        #expect(reopened.entries.map(\.text) == (1...12).map { "post \($0)" })
        #expect(reopened.entries.map(\.kind).filter { $0 == .digest }.count == 2)
        let next = try reopened.add(incident: "later", kind: .post, text: "after restart", now: now)
        #expect(next.sequence == 13)
        #expect(reopened.entries.last?.text == "after restart")
    }

    @Test func updateRewritesAttemptsAndRemoveDeletesTheFile() throws {
        let fixture = try OutboxFixture()
        let outbox = try fixture.openOutbox()
        var entry = try outbox.add(incident: "a", kind: .post, text: "hello", now: now)
        entry.attempts = 3
        entry.nextAttempt = now + .seconds(60)
        entry.status = .failed
        entry.holdsQueue = true
        entry.lastError = "HTTP 401: Unauthorized: Unauthorized"
        try outbox.update(entry)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: outbox.path(of: entry))))
        #expect(try OutboxEntry(decoding: bytes, source: "entry") == entry)
        try outbox.remove(entry)
        #expect(outbox.count == 0)
        #expect(try fixture.entryFiles().isEmpty)
    }

    @Test func aSecondOpenOfTheSameOutboxIsRefused() throws {
        let fixture = try OutboxFixture()
        let first = try fixture.openOutbox()
        #expect {
            _ = try fixture.openOutbox(retryingOurOwnLock: false)
        } throws: { error in
            guard let failure = error as? StageFailure else { return false }
            return failure.status == .ioError && failure.message
                == "outbox \(fixture.directory) is in use by another wear-alert (pid \(getpid())): its lock \(fixture.directory)/.lock is held; stop that process or pass another --outbox"
        }
        first.close()
        let second = try fixture.openOutbox()
        #expect(second.count == 0)
    }

    @Test func theLockExcludesOtherProcessesBothWays() throws {
        let fixture = try OutboxFixture()
        let outbox = try fixture.openOutbox()
        let lock = fixture.directory + "/.lock"
        // flock(1) in another process cannot take it while the outbox is open...
        #expect(try ProcessRun.shell("flock -n '\(lock)' true").status == 1)
        outbox.close()
        #expect(try ProcessRun.shell("flock -n '\(lock)' true").status == 0)
        // ...and an outbox is refused while another process holds it.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--no-fork", lock, "sleep", "10"]
        try holder.run()
        // SIGKILL: a test runner may hand its children SIGTERM blocked.
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        #expect(Polling.until(upTo: 5) { (try? ProcessRun.shell("flock -n '\(lock)' true").status) == 1 })
        #expect(throws: StageFailure.self) { _ = try fixture.openOutbox(retryingOurOwnLock: false) }
    }

    @Test func corruptEntriesAreMovedAsideWithAnErrorAndTheRestLoads() throws {
        let fixture = try OutboxFixture()
        do {
            let outbox = try fixture.openOutbox()
            try outbox.add(incident: "good1", kind: .post, text: "one", now: now)
            try outbox.add(incident: "good2", kind: .post, text: "two", now: now)
            outbox.close()
        }
        let directory = URL(fileURLWithPath: fixture.directory)
        try Data("{not json".utf8).write(to: directory.appendingPathComponent("00000000000000000003-torn.json"))
        try Data(#"{"version":1,"seq":4}"#.utf8).write(to: directory.appendingPathComponent("00000000000000000004-partial.json"))
        try Data("".utf8).write(to: directory.appendingPathComponent("00000000000000000005-empty.json"))
        let good = try String(contentsOfFile: fixture.directory + "/00000000000000000001-good1.json", encoding: .utf8)
        try Data(good.utf8).write(to: directory.appendingPathComponent("00000000000000000009-renamed.json"))
        try Data("x".utf8).write(to: directory.appendingPathComponent(".00000000000000000006-x.json.tmp.1.2.3"))
        try Data("notes".utf8).write(to: directory.appendingPathComponent("README"))

        let outbox = try fixture.openOutbox()
        #expect(outbox.entries.map(\.text) == ["one", "two"])
        let corrupt = try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/corrupt").sorted()
        #expect(corrupt == ["00000000000000000003-torn.json", "00000000000000000004-partial.json",
                            "00000000000000000005-empty.json", "00000000000000000009-renamed.json"])
        #expect(mode(fixture.directory + "/corrupt") == 0o700)
        let errors = fixture.logs.messages.filter { $0.level == .error }.map(\.message)
        #expect(errors.count == 4)
        #expect(errors.contains { $0.hasPrefix("moved corrupt outbox entry to \(fixture.directory)/corrupt/00000000000000000004-partial.json: ") && $0.contains("no \"kind\"") })
        #expect(errors.contains { $0.contains("00000000000000000009-renamed.json") && $0.contains("\"seq\" is 1 but the file name says 9") })
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/.00000000000000000006-x.json.tmp.1.2.3"))
        #expect(FileManager.default.fileExists(atPath: fixture.directory + "/README"))
        // The next sequence is past every entry name seen, corrupt ones too.
        #expect(try outbox.add(incident: "new", kind: .post, text: "three", now: now).sequence == 10)
    }

    @Test func aCorruptNameAlreadyInCorruptGetsASuffix() throws {
        let fixture = try OutboxFixture()
        _ = try fixture.openOutbox().close()
        let name = "00000000000000000001-x.json"
        for round in 0..<2 {
            try Data("garbage \(round)".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/" + name))
            try fixture.openOutbox().close()
        }
        let corrupt = try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/corrupt").sorted()
        #expect(corrupt == [name, name + ".1"])
    }

    @Test func aHugeSequenceInAFileNameIsNotAnEntryAndNeverOverflows() throws {
        let fixture = try OutboxFixture()
        try fixture.openOutbox().close()
        for name in ["18446744073709551615-max.json", "09223372036854775807-big.json"] {
            try Data("{}".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/" + name))
        }
        let outbox = try fixture.openOutbox()
        #expect(outbox.count == 0)
        #expect(try outbox.add(incident: "n", kind: .post, text: "t", now: now).sequence == 1)
        #expect(fixture.logs.messages.filter { $0.level == .warning }.count == 2)
    }

    @Test func anOutboxOthersCanListIsWarnedAbout() throws {
        let fixture = try OutboxFixture()
        #expect(mkdir(fixture.directory, 0o755) == 0)
        chmod(fixture.directory, 0o755)
        _ = try fixture.openOutbox()
        #expect(fixture.messages == ["outbox \(fixture.directory) is accessible to others (mode 0755): its file names carry incident ids; chmod 700 it"])
    }

    @Test func aPathThatIsAFileIsAClearError() throws {
        let fixture = try OutboxFixture()
        try Data().write(to: URL(fileURLWithPath: fixture.directory))
        #expect {
            _ = try fixture.openOutbox(retryingOurOwnLock: false)
        } throws: { error in
            (error as? StageFailure)?.message == "outbox \(fixture.directory) is not a directory"
        }
    }
}
