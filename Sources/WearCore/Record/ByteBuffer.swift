/// A growable byte buffer for building output lines without Foundation or
/// String formatting: integers and fixed-point decimals are written digit by
/// digit, JSON text by the helpers in ByteBuffer+JSON.swift. Reused for
/// every line (`removeAll` keeps the storage). The one line builder of the
/// project: JSONFieldWriter, `wear sim` and `wear seal` write through it.
///
/// Owns its storage (a class, so copies share nothing by accident).
public final class ByteBuffer {
    // Stored state is @usableFromInline so the writers below inline into
    // other modules (wear sim and wear-decrypt write every record through
    // them: without inlining `wear sim` ran at half speed).
    // Unchecked exclusivity: inlined into other modules, accesses to a class's
    // stored properties otherwise cost a dynamic check each (swift_beginAccess,
    // ~5% of wear-decrypt in perf). No method here holds an access across a
    // call that could reach the same buffer, and a buffer is never shared
    // between threads.
    @exclusivity(unchecked) @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) @usableFromInline var allocated: Int
    @exclusivity(unchecked) @usableFromInline var used = 0

    /// The start of the bytes (valid until the next write that grows the buffer).
    public var base: UnsafeMutablePointer<UInt8> { storage }
    /// Bytes allocated.
    public var capacity: Int { allocated }
    /// Bytes written.
    public var count: Int { used }

    public init(capacity: Int = 4096) {
        self.allocated = max(capacity, 64)
        storage = .allocate(capacity: self.allocated)
    }

    deinit { storage.deallocate() }

    /// The bytes written so far (valid until the next write).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: used) }

    /// The bytes as an array (tests, labels; off the hot path).
    public var array: [UInt8] { Array(bytes) }

    @inlinable @inline(__always)
    public func removeAll() { used = 0 }

    /// Forgets everything after the first `length` bytes.
    public func truncate(to length: Int) {
        precondition(length >= 0 && length <= used)
        used = length
    }

    @inlinable @inline(__always)
    public func reserve(_ extra: Int) {
        if used + extra > allocated { grow(used + extra) }
    }

    @usableFromInline func grow(_ needed: Int) {
        var newCapacity = allocated * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: storage, count: used)
        storage.deallocate()
        storage = newBase
        allocated = newCapacity
    }

    @inlinable @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        storage[used] = byte
        used += 1
    }

    /// Appends a literal (ASCII, compile-time constant).
    @inlinable @inline(__always)
    public func append(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        reserve(length)
        (storage + used).update(from: text.utf8Start, count: length)
        used += length
    }

    @inlinable @inline(__always)
    public func append(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        reserve(raw.count)
        UnsafeMutableRawPointer(storage + used).copyMemory(from: source, byteCount: raw.count)
        used += raw.count
    }

    public func append(_ array: [UInt8]) {
        array.withUnsafeBytes { append($0) }
    }

    /// Lets `body` write up to `maxCount` bytes at the end; it returns how many it wrote.
    @inlinable @inline(__always)
    public func append(upTo maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maxCount)
        let written = body(storage + used)
        precondition(written >= 0 && written <= maxCount, "ByteBuffer.append(upTo:): wrote past the reservation")
        used += written
    }

    /// The bytes from `start` to the end, writable (valid until the next append).
    public func mutableBytes(from start: Int) -> UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: storage + start, count: used - start)
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
        (storage + used).update(repeating: byte, count: n)
        used += n
    }

    /// Appends a decimal integer.
    @inlinable @inline(__always)
    public func append(int value: Int) {
        reserve(21)
        var magnitude: UInt
        if value < 0 {
            storage[used] = UInt8(ascii: "-")
            used += 1
            magnitude = UInt(bitPattern: 0 &- value)
        } else {
            magnitude = UInt(value)
        }
        appendDigits(magnitude)
    }

    /// Appends `value / 10^places` with exactly `places` decimals (1...3),
    /// never `-0.00`: `append(fixed: -5, places: 2)` writes `-0.05`.
    @inlinable @inline(__always)
    public func append(fixed value: Int, places: Int) {
        reserve(24)
        let scale = places == 1 ? 10 : places == 2 ? 100 : 1000
        var magnitude = value
        if value < 0 {
            storage[used] = UInt8(ascii: "-")
            used += 1
            magnitude = -value
        }
        appendDigits(UInt(magnitude / scale))
        storage[used] = UInt8(ascii: ".")
        used += 1
        var fraction = magnitude % scale
        var divisor = scale / 10
        while divisor > 0 {
            storage[used] = UInt8(truncatingIfNeeded: 48 + fraction / divisor)
            used += 1
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

    /// Writes `value` in decimal, two digits per step from a pair table
    /// (measured in wear-decrypt: 13-digit `rx` values on every record).
    @inlinable @inline(__always)
    func appendDigits(_ value: UInt) {
        var length = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            length += 1
        }
        var position = used + length
        var remaining = value
        while remaining >= 10 {
            let pair = Int(remaining % 100) &* 2
            remaining /= 100
            position -= 2
            storage[position] = digitPairs[pair]
            storage[position + 1] = digitPairs[pair + 1]
        }
        if position > used { storage[used] = UInt8(truncatingIfNeeded: 48 + remaining) }
        used += length
    }
}

/// "00", "01", ... "99".
@usableFromInline nonisolated(unsafe) let digitPairs: UnsafePointer<UInt8> = {
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 200)
    for number in 0..<100 {
        table[2 * number] = UInt8(ascii: "0") + UInt8(number / 10)
        table[2 * number + 1] = UInt8(ascii: "0") + UInt8(number % 10)
    }
    return UnsafePointer(table)
}()
