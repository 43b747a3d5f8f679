import CWearLinux

/// The signals a stage handles, received asynchronously and collected for
/// the run loop: handlers only set bits and wake a self-pipe (CWearLinux),
/// which the runner polls next to the input and the stage's descriptors.
///
/// Handlers are installed with SA_RESTART: a worker thread's blocking read,
/// write or lock wait is restarted rather than failing with EINTR, while the
/// runner, which blocks only in poll(2), still wakes at once (poll is never
/// restarted, and the self-pipe becomes readable).
public enum SignalInbox {
    struct Received: OptionSet {
        let rawValue: UInt32
        static let terminate = Received(rawValue: UInt32(WEAR_SIGNAL_TERMINATE)) // SIGTERM, SIGINT
        static let reload = Received(rawValue: UInt32(WEAR_SIGNAL_RELOAD))       // SIGHUP
    }

    /// Installs the handlers (idempotent; unblocks the signals in the calling
    /// thread, ignores SIGPIPE) and returns the self-pipe to poll, or -1.
    static func install() -> Int32 { wear_signals_install() }

    /// What arrived since the last call.
    static func take() -> Received { Received(rawValue: wear_signals_take()) }

    /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread, so that only
    /// the runner thread takes them. Call it first thing in every worker
    /// thread a stage starts (or before starting them: threads inherit the
    /// mask). Returns false if pthread_sigmask failed.
    @discardableResult
    public static func blockHandledSignalsInCurrentThread() -> Bool {
        wear_signals_block_in_thread() == 0
    }

    /// True when the calling thread has SIGTERM, SIGINT and SIGHUP blocked.
    public static var handledSignalsBlockedInCurrentThread: Bool {
        wear_signals_blocked_in_thread() == 1
    }
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
