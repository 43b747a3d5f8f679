import Testing
import WearTesting
@testable import WearCore

/// Instants, durations and the poll timeout they become.
@Suite struct InstantTests {
    @Test func arithmeticSaturatesInsteadOfOverflowing() {
        let start = Instant(nanoseconds: 5_000)
        #expect(start + .microseconds(3) == Instant(nanoseconds: 8_000))
        #expect(start - .microseconds(5) == .zero)
        #expect(start.duration(to: Instant(nanoseconds: 2_000)) == .nanoseconds(-3_000))
        #expect(Instant(nanoseconds: .max - 1) + .seconds(1) == Instant(nanoseconds: .max))
        #expect(Instant(nanoseconds: .min + 1) - .seconds(1) == Instant(nanoseconds: .min))
    }

    @Test(arguments: [
        (Duration.zero, Int32(0)), (.nanoseconds(-5), 0), (.nanoseconds(1), 1), (.milliseconds(1), 1),
        (.microseconds(1_001), 2), (.seconds(2), 2_000), (.seconds(1 << 40), .max),
    ])
    func pollTimeoutsRoundUpSoAWaitNeverEndsEarly(_ duration: Duration, _ milliseconds: Int32) {
        #expect(duration.pollMilliseconds == milliseconds)
    }

    @Test func theManualClockMovesOnlyWhenAdvanced() {
        let clock = ManualClock(at: .zero)
        #expect(clock.now == .zero)
        #expect(!clock.waitsInRealTime)
        clock.advance(by: .milliseconds(250))
        clock.advance(by: .seconds(1))
        #expect(clock.now == Instant(nanoseconds: 1_250_000_000))
        #expect(SystemClock().waitsInRealTime)
        let first = SystemClock().now
        #expect(SystemClock().now >= first)
    }
}
