/// A request URL as RFC 5849 section 3.4.1 signs it: the base string URI
/// (`scheme://host[:port]/path`, scheme and host lower-cased, port 80 for
/// http and 443 for https dropped, no query or fragment) and the query's
/// parameters, decoded as `application/x-www-form-urlencoded` (`+` is a
/// space). Only absolute http and https URLs without user info.
struct OAuth1URL {
    var base: String
    var query: [OAuth1.Parameter]

    init(_ url: String) throws(OAuth1Error) {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw OAuth1Error("cannot sign '\(url)': not an absolute URL (expected http:// or https://)")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw OAuth1Error("cannot sign '\(url)': scheme '\(scheme)' (expected http or https)")
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else {
            throw OAuth1Error("cannot sign a URL with user info (the part before '@')")
        }
        var host = Substring(authority)
        var port: Substring = ""
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw OAuth1Error("cannot sign '\(url)': no host") }
        guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw OAuth1Error("cannot sign '\(url)': port '\(port)' is not a number")
        }
        let defaultPort = scheme == "http" ? "80" : "443"
        let keptPort = port.isEmpty || port == defaultPort ? "" : ":" + port
        let afterAuthority = rest[authorityEnd...]
        let pathEnd = afterAuthority.firstIndex { $0 == "?" || $0 == "#" } ?? afterAuthority.endIndex
        let path = afterAuthority[..<pathEnd]
        base = scheme + "://" + host.lowercased() + keptPort + (path.isEmpty ? "/" : String(path))

        var queryText: Substring = ""
        if afterAuthority[pathEnd...].first == "?" {
            let queryStart = afterAuthority.index(after: pathEnd)
            queryText = afterAuthority[queryStart..<(afterAuthority[queryStart...].firstIndex(of: "#") ?? afterAuthority.endIndex)]
        }
        query = try queryText.split(separator: "&").map { (pair) throws(OAuth1Error) -> OAuth1.Parameter in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return OAuth1.Parameter(try Self.formDecode(parts[0]), try Self.formDecode(parts.count > 1 ? parts[1] : ""))
        }
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; UTF-8.
    static func formDecode(_ text: Substring) throws(OAuth1Error) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else {
                    throw OAuth1Error("cannot sign a query with a bad escape in '\(text)' (expected %XX)")
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw OAuth1Error("cannot sign a query that is not UTF-8 once decoded: '\(text)'")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
