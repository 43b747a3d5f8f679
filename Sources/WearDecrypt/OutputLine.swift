import Glibc
import WearCore

/// Builds one output line: the plaintext object's bytes up to its closing
/// brace, then `,"rx":…`, `,"sz":…`, `,"meta":{…}` and `}`. A reused buffer
/// and hand-written integer formatting: nothing is allocated per record.
final class OutputLine {
    private var buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0
    private var needsComma = false

    init() {
        buffer = .allocate(byteCount: 4096, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    /// Starts from a validated JSON object (its bytes, without leading whitespace);
    /// `extra` is the most the appended members will take.
    func begin(object: UnsafeRawBufferPointer, extra: Int) {
        var close = object.count - 1
        while close > 0, isWhitespace(object[close]) { close -= 1 }
        var last = close - 1  // the last byte before `}` that is not whitespace
        while last > 0, isWhitespace(object[last]) { last -= 1 }
        needsComma = last >= 0 && object[last] != UInt8(ascii: "{")
        reserve(last + extra + 2)
        count = 0
        append(UnsafeRawBufferPointer(rebasing: object[0..<max(last + 1, 0)]))
    }

    /// `,"name":`; `member` is the literal `,"name":` (its comma is left
    /// out after an empty object's `{`).
    @inline(__always)
    func key(_ member: StaticString) {
        let text = UnsafeRawBufferPointer(start: member.utf8Start, count: member.utf8CodeUnitCount)
        append(needsComma ? text : UnsafeRawBufferPointer(rebasing: text.dropFirst()))
        needsComma = true
    }

    /// A decimal integer, written straight into the buffer: two digits per
    /// step from a pair table, and numbers of more than eight digits (every
    /// `rx`) as two independent halves.
    func integer(_ value: Int64) {
        if count + 21 > buffer.count { reserve(count + 21) }
        if value < 0 { byte(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude < 100_000_000 {
            count += Self.writeDigits(magnitude, to: buffer, at: count, width: Self.digitCount(magnitude))
        } else {
            let high = magnitude / 100_000_000, low = magnitude % 100_000_000
            let highDigits = Self.digitCount(high)
            count += Self.writeDigits(high, to: buffer, at: count, width: highDigits)
            count += Self.writeDigits(low, to: buffer, at: count, width: 8)
        }
    }

    private static func digitCount(_ value: UInt64) -> Int {
        var digits = 1
        var limit: UInt64 = 10
        while digits < 20, value >= limit {
            digits += 1
            limit &*= 10
        }
        return digits
    }

    /// Writes `value` as exactly `width` digits (zero-padded) at `offset`; returns `width`.
    @inline(__always)
    private static func writeDigits(_ value: UInt64, to buffer: UnsafeMutableRawBufferPointer, at offset: Int, width: Int) -> Int {
        var rest = value
        var position = offset + width
        while position - offset >= 2 {
            let pair = Int(rest % 100) &* 2
            rest /= 100
            position -= 2
            buffer[position] = digitPairs[pair]
            buffer[position + 1] = digitPairs[pair + 1]
        }
        if position > offset { buffer[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10) }
        return width
    }

    /// "00", "01", ... "99".
    private nonisolated(unsafe) static let digitPairs: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 200)
        for number in 0..<100 {
            table[2 * number] = UInt8(ascii: "0") + UInt8(number / 10)
            table[2 * number + 1] = UInt8(ascii: "0") + UInt8(number % 10)
        }
        return UnsafePointer(table)
    }()

    func number(_ value: Double) {
        var text: [UInt8] = []
        JSONFieldWriter.appendNumber(value, to: &text)
        text.withUnsafeBytes { append($0) }
    }

    func raw(_ json: UnsafeRawBufferPointer) {
        append(json)
    }

    func end() {
        byte(UInt8(ascii: "}"))
    }

    @inline(__always)
    private func byte(_ value: UInt8) {
        if count == buffer.count { reserve(count + 1) }
        buffer[count] = value
        count += 1
    }

    @inline(__always)
    private func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > buffer.count { reserve(count + bytes.count) }
        guard let target = buffer.baseAddress else { return }
        (target + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    private func reserve(_ capacity: Int) {
        guard capacity > buffer.count else { return }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, buffer.count * 2), alignment: 16)
        larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        buffer.deallocate()
        buffer = larger
    }

    private func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
