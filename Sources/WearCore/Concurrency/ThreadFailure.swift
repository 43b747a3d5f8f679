import Glibc

/// A thread, affinity or eventfd call that failed, with the operating
/// system's reason: one line a person can act on.
public struct ThreadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done ("cannot start worker thread 3").
    public let action: String
    /// The errno value.
    public let code: Int32

    public init(_ action: String, code: Int32) {
        self.action = action
        self.code = code
    }

    public var description: String {
        "\(action): \(String(cString: strerror(code)))"
    }
}
