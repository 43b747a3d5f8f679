/// A device key derived from the master key, held by value: 32 bytes in four
/// words, no allocation, so the decryptor can keep those of a million
/// devices in a `BoundedMap` (~110 bytes each). Opens A256GCM only.
///
/// Never printable: `description` and reflection show no key bytes.
struct DerivedKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    static let byteCount = 32

    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The first 32 bytes of `bytes` (the caller passes exactly 32).
    init(_ bytes: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &words) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(Self.byteCount)))
        }
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    var deviceKey: DeviceKey { withUnsafeBytes { DeviceKey(trusted: Array($0)) } }

    var description: String { "DerivedKey(256-bit, redacted)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
