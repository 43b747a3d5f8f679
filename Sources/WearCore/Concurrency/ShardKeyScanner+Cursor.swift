extension ShardKeyScanner {
    /// A position in a line and the few JSON moves the scan needs; every
    /// move checks bounds and reports failure instead of reading past the end.
    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func skipSpace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0A, 0x0D: offset += 1
                default: return
                }
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }

        func matches(_ name: [UInt8], at range: Range<Int>) -> Bool {
            var index = 0
            for position in range {
                guard bytes[position] == name[index] else { return false }
                index += 1
            }
            return true
        }

        /// A string at the cursor: its content's range and whether it has escapes.
        mutating func string() -> (range: Range<Int>, escaped: Bool)? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = offset
            var escaped = false
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: "\""):
                    let range = start..<offset
                    offset += 1
                    return (range, escaped)
                case UInt8(ascii: "\\"):
                    escaped = true
                    offset += 2
                default:
                    offset += 1
                }
            }
            return nil
        }

        /// Skips one value: a string, a nested object or array (strings in
        /// it skipped whole, so brackets inside them do not count), or a
        /// scalar up to the next delimiter. Validity is the parser's job.
        mutating func skipValue() -> Bool {
            guard let first = peek else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while let byte = peek {
                    switch byte {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            offset += 1
                            return true
                        }
                    default:
                        break
                    }
                    offset += 1
                }
                return false
            default:
                while let byte = peek {
                    switch byte {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D: return offset > 0
                    default: offset += 1
                    }
                }
                return false
            }
        }
    }
}
