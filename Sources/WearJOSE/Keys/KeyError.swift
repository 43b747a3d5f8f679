/// Why bytes or text are not a usable key. Never carries key material.
public struct KeyError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
