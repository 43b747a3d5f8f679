/// A rate: `count` events per `window`, written `5/s`, `100/24h`, `17/24h`
/// or `3/10s` (as nginx's limit_req and the rule language's `bucket`).
public struct Rate: Equatable, Sendable, CustomStringConvertible {
    public let count: Double
    public let window: Duration

    public init(count: Double, per window: Duration) {
        self.count = count
        self.window = window
    }

    /// Parses the whole of `text`.
    public init(parsing text: some StringProtocol) throws(QuantityError) {
        let expected = "a rate such as 5/s or 100/24h (a count, '/', a window in \(QuantityUnit.durationList))"
        do {
            self = try QuantityScanner.parse(text, expected: expected, units: QuantityUnit.durationList) { quantity in
                if case .rate(let rate) = quantity { return rate }
                return nil
            }
        } catch where error.problem == .value {
            throw error
        } catch {
            throw QuantityError(error.problem, offset: error.offset, message: "expected \(expected), found '\(text)'")
        }
    }

    /// Events per second.
    public var perSecond: Double {
        let (seconds, attoseconds) = window.components
        return count / (Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// `5/s`, `100/24h`: a window of one unit drops the `1`.
    public var description: String {
        let number = count == count.rounded() && abs(count) < 1e15 ? "\(Int64(count))" : "\(count)"
        let window = self.window.quantityDescription
        if window.hasPrefix("1"), let next = window.dropFirst().first, next.isLetter {
            return number + "/" + window.dropFirst()
        }
        return number + "/" + window
    }
}
