import Testing
@testable import WearCore

/// The memo in front of RE2 answers exactly what RE2 answers, whatever it
/// holds, bypasses long inputs and stays within its memory.
@Suite struct RegexMatchCacheTests {
    private func answer(_ cache: RegexMatchCache, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { cache.matches($0) }
    }

    @Test func agreesWithRE2OnRepeatsAndNearMisses() throws {
        let regex = try LinearRegex("^[[:graph:]]{1,64}$")
        let cache = RegexMatchCache(regex, budget: RegexCacheBudget())
        var inputs: [[UInt8]] = [[], [0x20], Array("a b".utf8), [0xFF, 0xFE], Array(repeating: 0x41, count: 64),
                                 Array(repeating: 0x41, count: 65), Array("dev-0001".utf8), Array("dev-0001 ".utf8)]
        for length in 0...70 { inputs.append((0..<length).map { UInt8(0x21 + $0 % 90) }) }
        for round in 0..<3 {
            for input in inputs {
                let expected = input.withUnsafeBytes { regex.matches($0) }
                #expect(answer(cache, input) == expected, "round \(round), \(input)")
            }
        }
        #expect(cache.hits > 0)
    }

    @Test func inputsLongerThanTheLimitAreNotCached() throws {
        let cache = RegexMatchCache(try LinearRegex("a"), budget: RegexCacheBudget())
        let long = Array(repeating: UInt8(0x61), count: RegexMatchCache.maxKeyBytes + 1)
        #expect(answer(cache, long))
        #expect(answer(cache, long))
        #expect(cache.hits == 0 && cache.misses == 0)
        let short = Array(repeating: UInt8(0x61), count: RegexMatchCache.maxKeyBytes)
        #expect(answer(cache, short) && answer(cache, short))
        #expect(cache.hits == 1 && cache.misses == 1)
    }

    @Test func growsWithinItsLimitAndTheBudgetThenStartsAgain() throws {
        let regex = try LinearRegex("7$")
        let budget = RegexCacheBudget()
        let cache = RegexMatchCache(regex, budget: budget)
        #expect(cache.footprintBytes == RegexMatchCache.initialBytes)
        for round in 0..<2 {
            for n in 0..<40_000 {
                let input = Array("device-\(n)".utf8)
                #expect(answer(cache, input) == (n % 10 == 7), "round \(round), \(n)")
            }
        }
        #expect(cache.footprintBytes == RegexMatchCache.maxBytes)
        #expect(budget.remaining == RegexCacheBudget.defaultBytes - RegexMatchCache.maxBytes)
    }

    @Test func anExhaustedBudgetMeansRE2Directly() throws {
        let budget = RegexCacheBudget(bytes: RegexMatchCache.initialBytes + 100)
        let first = RegexMatchCache(try LinearRegex("x"), budget: budget)
        let second = RegexMatchCache(try LinearRegex("x"), budget: budget)
        #expect(first.footprintBytes == RegexMatchCache.initialBytes && second.footprintBytes == 0)
        #expect(answer(second, Array("x".utf8)) && answer(second, Array("x".utf8)))
        #expect(second.hits == 0)
        for n in 0..<10_000 { _ = answer(first, Array("k\(n)".utf8)) }
        #expect(first.footprintBytes == RegexMatchCache.initialBytes) // no room to grow: emptied instead
        #expect(answer(first, Array("x".utf8)) && !answer(first, Array("y".utf8)))
    }
}
