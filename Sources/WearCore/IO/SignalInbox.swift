import CWearLinux

/// The signals a stage handles, received asynchronously and collected for
/// the run loop: handlers only set bits and wake a self-pipe (CWearLinux),
/// which `InputReader` polls next to the input.
enum SignalInbox {
    struct Received: OptionSet {
        let rawValue: UInt32
        static let terminate = Received(rawValue: UInt32(WEAR_SIGNAL_TERMINATE)) // SIGTERM, SIGINT
        static let reload = Received(rawValue: UInt32(WEAR_SIGNAL_RELOAD))       // SIGHUP
    }

    /// Installs the handlers (idempotent; unblocks the signals, ignores
    /// SIGPIPE) and returns the self-pipe to poll, or -1.
    static func install() -> Int32 { wear_signals_install() }

    /// What arrived since the last call.
    static func take() -> Received { Received(rawValue: wear_signals_take()) }
}

/// Pipe capacity (F_GETPIPE_SZ / F_SETPIPE_SZ).
enum PipeCapacity {
    /// Raises the pipe behind `fd` to at least `bytes`, best effort; no-op for non-pipes.
    static func raise(_ fd: Int32, to bytes: Int) {
        let current = wear_pipe_get_size(fd)
        if current > 0 && Int(current) < bytes {
            _ = wear_pipe_set_size(fd, Int32(bytes))
        }
    }
}
