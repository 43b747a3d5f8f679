/// Reads one quantity (`42`, `30s`, `4KiB`, `5/s`, `100/24h`) from UTF-8
/// text at a position and says where it ended, so a lexer (the rule
/// language's) can continue after it; errors carry the byte offset of what
/// was wrong.
///
/// Grammar: digits, optionally `.` and digits, then directly (no space)
/// an optional unit: a duration unit (ms s m h d), a size unit (B KiB MiB
/// GiB TiB, KB MB GB TB), or `/` and a window (`s`, `24h`, `10s`) for a
/// rate. A `/` not followed by a window is left for the caller (`10/2` is
/// a number and a division). Units are case-sensitive (`m` is minutes).
public enum QuantityScanner {
    /// The quantity starting at `start` in `bytes` and the offset just after it.
    public static func scan(_ bytes: [UInt8], from start: Int) throws(QuantityError) -> (quantity: Quantity, end: Int) {
        let (value, numberEnd) = try number(bytes, from: start)
        let unitEnd = letters(bytes, from: numberEnd)
        let unit = text(bytes, numberEnd, unitEnd)
        if unit.isEmpty {
            if let (window, end) = window(bytes, from: numberEnd) {
                return (.rate(try rate(value, per: window, at: start)), end)
            }
            return (.number(value), numberEnd)
        }
        if let scale = QuantityUnit.duration(named: Substring(unit)) {
            return (.duration(try duration(value, scale: scale, at: start)), unitEnd)
        }
        if let scale = QuantityUnit.size(named: Substring(unit)) {
            return (.size(try size(value, scale: scale, at: start)), unitEnd)
        }
        throw QuantityError(.unknownUnit, offset: numberEnd, message: "unknown unit '\(unit)': durations take \(QuantityUnit.durationList); sizes take \(QuantityUnit.sizeList)")
    }

    /// The quantity that is the whole of `text`; anything after it is an error.
    public static func parse(_ text: some StringProtocol) throws(QuantityError) -> Quantity {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else {
            throw QuantityError(.expectedNumber, offset: 0, message: "found nothing")
        }
        if first == UInt8(ascii: "-") {
            throw QuantityError(.expectedNumber, offset: 0, message: "cannot be negative, found '\(text)'")
        }
        let (quantity, end) = try scan(bytes, from: 0)
        guard end == bytes.count else {
            throw QuantityError(.trailing, offset: end, message: "unexpected '\(Self.text(bytes, end, bytes.count))' after '\(Self.text(bytes, 0, end))'")
        }
        return quantity
    }

    // MARK: pieces

    private static func number(_ bytes: [UInt8], from start: Int) throws(QuantityError) -> (Double, Int) {
        var end = digits(bytes, from: start)
        guard end > start else {
            let found = start < bytes.count ? "'\(text(bytes, start, min(bytes.count, start + 16)))'" : "nothing"
            throw QuantityError(.expectedNumber, offset: start, message: "expected a number, found \(found)")
        }
        if end + 1 < bytes.count, bytes[end] == UInt8(ascii: "."), isDigit(bytes[end + 1]) {
            end = digits(bytes, from: end + 1)
        }
        guard let value = Double(text(bytes, start, end)), value.isFinite else {
            throw QuantityError(.value, offset: start, message: "'\(text(bytes, start, end))' is not a usable number")
        }
        return (value, end)
    }

    /// `/` then an optional number and a duration unit, not followed by
    /// more letters or digits: the window of a rate, and where it ends.
    private static func window(_ bytes: [UInt8], from slash: Int) -> (Duration, Int)? {
        guard slash < bytes.count, bytes[slash] == UInt8(ascii: "/") else { return nil }
        var count = 1.0
        var unitStart = slash + 1
        if let (value, end) = try? number(bytes, from: slash + 1) {
            count = value
            unitStart = end
        }
        let unitEnd = letters(bytes, from: unitStart)
        guard unitEnd > unitStart, unitEnd == bytes.count || !isIdentifier(bytes[unitEnd]),
              let scale = QuantityUnit.duration(named: Substring(text(bytes, unitStart, unitEnd))),
              let window = try? duration(count, scale: scale, at: slash + 1) else { return nil }
        return (window, unitEnd)
    }

    static func duration(_ value: Double, scale: Int64, at offset: Int) throws(QuantityError) -> Duration {
        let nanoseconds = (value * Double(scale)).rounded()
        guard nanoseconds <= QuantityUnit.maxNanoseconds else {
            throw QuantityError(.value, offset: offset, message: "too long: at most 36500d (100 years)")
        }
        return .nanoseconds(Int64(nanoseconds))
    }

    static func size(_ value: Double, scale: Int64, at offset: Int) throws(QuantityError) -> ByteSize {
        let bytes = value * Double(scale)
        guard bytes <= QuantityUnit.maxBytes else {
            throw QuantityError(.value, offset: offset, message: "too large: at most 1024TiB")
        }
        guard bytes == bytes.rounded() else {
            throw QuantityError(.value, offset: offset, message: "not a whole number of bytes (\(bytes))")
        }
        return ByteSize(bytes: Int(bytes))
    }

    static func rate(_ count: Double, per window: Duration, at offset: Int) throws(QuantityError) -> Rate {
        guard window > .zero else {
            throw QuantityError(.value, offset: offset, message: "a rate's window must be longer than zero")
        }
        return Rate(count: count, per: window)
    }

    private static func digits(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count, isDigit(bytes[end]) { end += 1 }
        return end
    }

    private static func letters(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count, isLetter(bytes[end]) { end += 1 }
        return end
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

    private static func isIdentifier(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") }

    static func text(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
