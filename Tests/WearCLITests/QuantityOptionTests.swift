import ArgumentParser
import Foundation
import Synchronization
import Testing
import WearCore
@testable import WearCLI

@Suite struct QuantityOptionTests {
    @Test func commonOptionsReadSizesAndDurationsThroughWearCore() throws {
        let options = try CommonOptions.parse(["--max-line-bytes", "64KiB", "--metrics-interval", "500ms"])
        #expect(options.maxLineBytes.bytes == 65536)
        #expect(options.metricsInterval.duration == .milliseconds(500))
        #expect(options.runnerOptions.maxLineBytes == 65536)
    }

    @Test func theDefaultsStillShowInTheHelp() {
        let help = CommonOptions.helpMessage(columns: 200)
        #expect(help.contains("(default: 1MiB)"))
        #expect(help.contains("(default: 10s)"))
    }

    @Test(arguments: [
        (["--metrics-interval", "soon"],
         "The value 'soon' is invalid for '--metrics-interval <duration>': expected a duration such as 90s, 10m or 2h, found 'soon'"),
        (["--max-line-bytes", "12XB"],
         "The value '12XB' is invalid for '--max-line-bytes <size>': unknown unit 'XB' in '12XB': use B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)"),
        (["--max-line-bytes", "-1"],
         "The value '-1' is invalid for '--max-line-bytes <size>': expected a size such as 4096, 64KiB or 1MiB, found '-1'"),
        (["--max-line-bytes", "8"], "--max-line-bytes must be at least 16 bytes, found 8"),
    ])
    func aBadValueSaysWhatWasExpected(_ arguments: [String], _ message: String) {
        do {
            _ = try CommonOptions.parse(arguments)
            Issue.record("parsed \(arguments)")
        } catch {
            #expect(CommonOptions.message(for: error) == message)
        }
    }

    @Test func wrappersPrintTheirValueAsTheyAreWritten() {
        #expect(DurationOption(.seconds(600)).defaultValueDescription == "10m")
        #expect(ByteSizeOption(bytes: 4096).defaultValueDescription == "4KiB")
        #expect(RateOption(argument: "17/24h")?.defaultValueDescription == "17/24h")
        #expect(RateOption(argument: "17") == nil)
    }
}

/// A command whose check would hide a typo (as wear-decrypt's did).
struct NeedsAKey: ParsableCommand, CheckedArguments {
    @Option var key: String?
    func check() throws {
        guard key != nil else { throw ValidationError("give --key FILE") }
    }
}

@Suite struct CheckedArgumentsTests {
    @Test func aCheckRunsDuringNormalParsing() {
        #expect(throws: (any Error).self) { try NeedsAKey.parse([]) }
        #expect(NeedsAKey.message(for: CheckedArgumentsTests.error(of: [])) == "give --key FILE")
    }

    @Test func withChecksOffTheParsersOwnErrorShows() {
        let hidden = ArgumentChecks.withoutChecks { CheckedArgumentsTests.error(of: ["--kye", "k"]) }
        #expect(NeedsAKey.message(for: hidden) == "Unknown option '--kye'. Did you mean '--key'?")
        #expect(ArgumentChecks.enabled, "checks stay off after the look")
    }

    /// The look turns checks off for its own task only: a parse running
    /// meanwhile on another thread (a parallel test) still runs its checks.
    @Test func checksStayOnElsewhereDuringTheLook() {
        let (inside, elsewhere) = ArgumentChecks.withoutChecks {
            (ArgumentChecks.enabled, CheckedArgumentsTests.onAnotherThread { ArgumentChecks.enabled })
        }
        #expect(!inside)
        #expect(elsewhere)
    }

    /// `body`'s answer on a new thread, waited for (so it runs inside the look).
    static func onAnotherThread(_ body: @escaping @Sendable () -> Bool) -> Bool {
        let answer = Mutex<Bool?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            answer.withLock { $0 = body() }
            done.signal()
        }.start()
        done.wait()
        return answer.withLock { $0 } ?? false
    }

    static func error(of arguments: [String]) -> any Error {
        do {
            _ = try NeedsAKey.parse(arguments)
            return CancellationError()
        } catch {
            return error
        }
    }
}

@Suite struct WearLoggingTests {
    /// swift-log traps on a second LoggingSystem.bootstrap; this would crash the test process.
    @Test func loggersCanBeAskedForAnyNumberOfTimes() {
        let first = WearLogging.logger(program: "wear sim")
        let second = WearLogging.logger(program: "wear eval", level: .debug)
        #expect(first.label == "wear sim")
        #expect(second.logLevel == .debug)
        #expect(StageMain.bootstrapLogging(program: "wear-filter", level: .warning).logLevel == .warning)
    }
}
