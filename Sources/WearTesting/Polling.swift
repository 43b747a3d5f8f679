import Foundation
import Glibc

/// Condition polling for state a test is not notified of (files, /proc):
/// checks every 10 ms, gives up after `limit` seconds. The limit only turns
/// a hang into a failure; it never measures time.
public enum Polling {
    public static func until(upTo limit: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while !condition() {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }
}
