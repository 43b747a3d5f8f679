import Glibc

/// One poll(2) over every descriptor the runner waits on: the input, the
/// signal self-pipe and the descriptors a stage registered (an eventfd for
/// workers' results, a socket), with a timeout from the nearest deadline.
///
/// The set is rebuilt only when it changes (`setWatched`), so a wait costs
/// one system call and no allocation.
final class Poller {
    /// What one wait found.
    struct Ready {
        var input = false
        var signal = false
        /// Registered descriptors that are readable (or closed, or in error).
        var watched: [Int32] = []
        var isEmpty: Bool { !input && !signal && watched.isEmpty }
    }

    private var descriptors: [pollfd] = []
    private let inputFD: Int32
    private let signalFD: Int32
    private var watchedFDs: [Int32] = []

    /// `inputFD` or `signalFD` may be -1 (none).
    init(inputFD: Int32, signalFD: Int32) {
        self.inputFD = inputFD
        self.signalFD = signalFD
    }

    /// The registered descriptors to wait on besides input and signals.
    func setWatched(_ fds: [Int32]) {
        watchedFDs = fds
    }

    /// Waits up to `timeoutMilliseconds` (-1: no limit, 0: just check).
    /// With `includeInput` false the input is not polled (the runner has
    /// enough records in flight, or the input has ended).
    func wait(includeInput: Bool, timeoutMilliseconds: Int32) throws(StageFailure) -> Ready {
        descriptors.removeAll(keepingCapacity: true)
        descriptors.append(pollfd(fd: includeInput ? inputFD : -1, events: Int16(POLLIN), revents: 0))
        descriptors.append(pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0))
        for fd in watchedFDs {
            descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        // poll(2) ignores entries with a negative descriptor.
        let count = descriptors.withUnsafeMutableBufferPointer { buffer in
            Glibc.poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)
        }
        var ready = Ready()
        if count < 0 {
            if errno == EINTR {
                ready.signal = true
                return ready
            }
            throw StageFailure(status: .ioError, message: "waiting for input: \(String(cString: strerror(errno)))")
        }
        guard count > 0 else { return ready }
        ready.input = descriptors[0].revents != 0
        ready.signal = descriptors[1].revents != 0
        for index in 2..<descriptors.count where descriptors[index].revents != 0 {
            ready.watched.append(descriptors[index].fd)
        }
        return ready
    }
}
