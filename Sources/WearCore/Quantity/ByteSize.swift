/// A size in bytes: `4096`, `4096B`, `64KiB`, `1MiB`, `1GiB` (powers of
/// 1024), or `KB`, `MB`, `GB` (powers of 1000).
public struct ByteSize: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    /// Parses the whole of `text`; a bare number counts bytes.
    public init(parsing text: some StringProtocol) throws(QuantityError) {
        self = try QuantityScanner.parse(
            text, expected: "a size such as 4096, 64KiB or 1MiB", units: QuantityUnit.sizeList,
            bare: { number in number == number.rounded() && number <= QuantityUnit.maxBytes ? ByteSize(bytes: Int(number)) : nil }
        ) { quantity in
            if case .size(let size) = quantity { return size }
            return nil
        }
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    /// The largest exact binary unit: `1MiB`, `64KiB`, `1000`.
    public var description: String {
        for (name, scale) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes != 0 && bytes % (1 << scale) == 0 {
            return "\(bytes >> scale)\(name)"
        }
        return "\(bytes)"
    }
}
