import WearCore

/// The envelope around a token: `{"jwe":"<token>", "rx":..., ...}` or the
/// bare token on its own line.
enum Envelope {
    /// The receive time to write: the envelope's numeric `rx`, else now.
    enum ReceiveTime {
        case milliseconds(Int64)
        case fractional(Double)
        case now
    }

    /// The compact token of a record, or why there is none.
    static func token(of record: Record) -> Result<UnsafeRawBufferPointer, Refusal> {
        if let envelope = record.json {
            guard let jwe = envelope["jwe"] else {
                return .failure(Refusal(.badJWE, "envelope has no \"jwe\" member"))
            }
            guard let token = jwe.stringBytes else {
                return .failure(Refusal(.badJWE, "envelope member \"jwe\" must be a string, found \(jwe.kind.article)"))
            }
            return .success(token)
        }
        guard let error = record.jsonError else {
            return .failure(Refusal(.notObject, "expected a JSON object or a compact JWE token"))
        }
        // Not JSON: a bare token if it is made of token characters only (a
        // token, with its four dots, is never valid JSON).
        let line = trimmed(record.bytes)
        guard !line.isEmpty, line.allSatisfy(isTokenByte) else {
            return .failure(Refusal(error.kind == .utf8 ? .badUTF8 : .badJSON, error.description))
        }
        return .success(line)
    }

    /// The receive time for the envelope's `rx` member (nil: none).
    static func receiveTime(_ rx: JSONValue?) -> ReceiveTime {
        guard let rx else { return .now }
        if let value = rx.int64 { return .milliseconds(value) }
        if let value = rx.double, value.isFinite { return .fractional(value) }
        return .now
    }

    /// Writes the envelope's members other than `jwe` and a numeric `rx`
    /// into `meta` as a JSON object; false (and `meta` untouched) when there are none.
    ///
    /// `connection`: the members the PROXY protocol header gives
    /// (`"src":"192.0.2.7","src_port":56324`, or nothing for LOCAL and
    /// UNKNOWN), written first; the envelope's own `src` and `src_port`
    /// are then dropped, so an unauthenticated envelope can never name
    /// another address than the connection's.
    static func appendMeta(of envelope: JSONValue?, rx: JSONValue?, connection: [UInt8]? = nil, to meta: ByteBuffer) -> Bool {
        guard let connection else {
            guard let envelope else { return false }
            let members = envelope.count
            if members == 1 || (members == 2 && rx?.isNumber == true) { return false }
            meta.removeAll()
            meta.append(UInt8(ascii: "{"))
            appendMembers(of: envelope, reserved: false, to: meta)
            meta.append(UInt8(ascii: "}"))
            return true
        }
        meta.removeAll()
        meta.append(UInt8(ascii: "{"))
        meta.append(connection)
        if let envelope { appendMembers(of: envelope, reserved: true, to: meta) }
        meta.append(UInt8(ascii: "}"))
        return meta.count > 2
    }

    /// The envelope's members but `jwe` and a numeric `rx` (and with `reserved`, `src` and `src_port`), comma-separated
    /// after whatever `meta` holds past its `{`.
    private static func appendMembers(of envelope: JSONValue, reserved: Bool, to meta: ByteBuffer) {
        envelope.forEachMember { name, value in
            if isName(name, "jwe") || (isName(name, "rx") && value.isNumber) { return true }
            if reserved && (isName(name, "src") || isName(name, "src_port")) { return true }
            if meta.count > 1 { meta.append(UInt8(ascii: ",")) }
            meta.append(jsonString: name)
            meta.append(UInt8(ascii: ":"))
            meta.append(json: value)
            return true
        }
    }

    private static func isName(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        bytes.count == name.utf8CodeUnitCount
            && bytes.elementsEqual(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// A base64url character or a dot: all a bare token is made of.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
        default: false
        }
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0, end = line.count
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[start..<end])
    }
}
