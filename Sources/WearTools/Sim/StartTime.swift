import Glibc

/// Parses `--start`: milliseconds since the epoch, seconds when the number
/// is below 10^11 (before 1973 in ms, after 5138 in s), or `now`.
public enum StartTime {
    public static func parse(_ text: String) throws(SimConfigError) -> Int64 {
        if text == "now" {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec / 1_000_000)
        }
        guard let value = Int64(text), value >= 0 else {
            throw SimConfigError("--start must be 'now' or a non-negative number of ms (or s) since the epoch, found '\(text)'")
        }
        return value < 100_000_000_000 ? value * 1000 : value
    }
}
