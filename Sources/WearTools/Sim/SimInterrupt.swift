import Glibc
import Synchronization

/// SIGTERM and SIGINT for `wear sim`: instead of dying mid-write (a cut
/// last line, no labels file), the simulator stops at a record boundary,
/// flushes, writes the labels of what it emitted and exits 0, as the
/// stages do. The handler only sets a flag; the run loop polls it once per
/// record (one relaxed atomic load).
public enum SimInterrupt {
    /// The signal received, or 0.
    private static let received = Atomic<Int32>(0)

    /// Installs the handlers, without SA_RESTART so a blocked write or
    /// sleep returns to the loop, and unblocks the signals (a parent may
    /// have blocked them).
    public static func install() {
        received.store(0, ordering: .relaxed) // initialise the global before any handler can run
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in SimInterrupt.received.store(signal, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
        var wanted = sigset_t()
        sigemptyset(&wanted)
        sigaddset(&wanted, SIGTERM)
        sigaddset(&wanted, SIGINT)
        sigprocmask(SIG_UNBLOCK, &wanted, nil)
    }

    /// True once SIGTERM or SIGINT arrived.
    @inline(__always)
    public static var requested: Bool { received.load(ordering: .relaxed) != 0 }

    /// The signal's name, for the closing notice ("SIGINT").
    public static var signalName: String? {
        switch received.load(ordering: .relaxed) {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: nil
        }
    }
}
