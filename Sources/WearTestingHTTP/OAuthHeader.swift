import Foundation

/// The `name="value"` pairs of an `Authorization: OAuth ...` header the fake
/// X API recorded, percent-decoded: for tests that recompute the signature.
public func oauthParameters(_ header: String) -> [String: String] {
    var result: [String: String] = [:]
    for pair in header.dropFirst("OAuth ".count).split(separator: ", ") {
        let parts = pair.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { continue }
        result[String(parts[0])] = String(parts[1].dropFirst().dropLast()).removingPercentEncoding
    }
    return result
}
