/// A growable byte buffer for building output lines without Foundation or
/// String formatting: integers and fixed-point decimals are written digit by
/// digit. Reused for every line (`removeAll` keeps the storage).
///
/// Owns its storage (a class, so copies share nothing by accident).
public final class ByteBuffer {
    public private(set) var base: UnsafeMutablePointer<UInt8>
    public private(set) var capacity: Int
    public private(set) var count = 0

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far (valid until the next write).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The bytes as an array (tests, labels; off the hot path).
    public var array: [UInt8] { Array(bytes) }

    @inline(__always)
    public func removeAll() { count = 0 }

    /// Forgets everything after the first `length` bytes.
    public func truncate(to length: Int) {
        precondition(length >= 0 && length <= count)
        count = length
    }

    @inline(__always)
    public func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Appends a literal (ASCII, compile-time constant).
    @inline(__always)
    public func append(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        reserve(length)
        (base + count).update(from: text.utf8Start, count: length)
        count += length
    }

    @inline(__always)
    public func append(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        reserve(raw.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: raw.count)
        count += raw.count
    }

    public func append(_ array: [UInt8]) {
        array.withUnsafeBytes { append($0) }
    }

    /// Lets `body` write up to `maxCount` bytes at the end; it returns how many it wrote.
    @inline(__always)
    public func append(upTo maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maxCount)
        let written = body(base + count)
        precondition(written >= 0 && written <= maxCount, "ByteBuffer.append(upTo:): wrote past the reservation")
        count += written
    }

    /// The bytes from `start` to the end, writable (valid until the next append).
    public func mutableBytes(from start: Int) -> UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: base + start, count: count - start)
    }

    /// Appends a String's UTF-8 bytes (no escaping: for tokens and ids).
    public func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `byte` `n` times.
    public func append(repeating byte: UInt8, count n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(repeating: byte, count: n)
        count += n
    }

    /// Appends a decimal integer.
    @inline(__always)
    public func append(int value: Int) {
        reserve(21)
        var magnitude: UInt
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
            magnitude = UInt(bitPattern: 0 &- value)
        } else {
            magnitude = UInt(value)
        }
        appendDigits(magnitude)
    }

    /// Appends `value / 10^places` with exactly `places` decimals (1...3),
    /// never `-0.00`: `append(fixed: -5, places: 2)` writes `-0.05`.
    @inline(__always)
    public func append(fixed value: Int, places: Int) {
        reserve(24)
        let scale = places == 1 ? 10 : places == 2 ? 100 : 1000
        var magnitude = value
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
            magnitude = -value
        }
        appendDigits(UInt(magnitude / scale))
        base[count] = UInt8(ascii: ".")
        count += 1
        var fraction = magnitude % scale
        var divisor = scale / 10
        while divisor > 0 {
            base[count] = UInt8(truncatingIfNeeded: 48 + fraction / divisor)
            count += 1
            fraction %= divisor
            divisor /= 10
        }
    }

    /// Appends a non-negative integer left-padded with zeros to `width` digits.
    public func append(zeroPadded value: Int, width: Int) {
        var digits = 1
        var probe = max(value, 0)
        while probe >= 10 { probe /= 10; digits += 1 }
        if digits < width { append(repeating: UInt8(ascii: "0"), count: width - digits) }
        append(int: max(value, 0))
    }

    @inline(__always)
    private func appendDigits(_ value: UInt) {
        var length = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            length += 1
        }
        var position = count + length - 1
        var remaining = value
        repeat {
            base[position] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
            remaining /= 10
            position -= 1
        } while remaining > 0
        count += length
    }
}
