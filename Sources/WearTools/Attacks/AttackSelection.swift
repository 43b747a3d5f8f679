/// Which attacks a simulation injects and how often: `--attack TYPE[:FRACTION]`
/// (repeatable) and `--attacks all[:FRACTION]`.
///
/// A type with a fraction attacks that fraction of the fleet (at least one
/// device). Types without one share `sharedFraction` (default 2 %) of the
/// fleet between them, round-robin, with at least one instance each. Every
/// attacked device gets exactly one attack.
public struct AttackSelection: Sendable, Equatable {
    public static let defaultFraction = 0.02

    /// Requested types in canonical order, each with its own fraction or nil.
    public private(set) var requests: [(kind: AttackKind, fraction: Double?)] = []
    /// The share of the fleet that types without their own fraction split.
    public var sharedFraction = AttackSelection.defaultFraction

    public init() {}

    public var isEmpty: Bool { requests.isEmpty }
    public var kinds: [AttackKind] { requests.map(\.kind) }

    /// Adds `TYPE` or `TYPE:FRACTION` (fraction in (0, 1], or a percentage `5%`).
    public mutating func add(_ text: String) throws(SimConfigError) {
        let (name, fraction) = try Self.split(text)
        guard let kind = AttackKind(rawValue: name) else {
            let known = AttackKind.allCases.map(\.name).joined(separator: ", ")
            throw SimConfigError("unknown attack '\(name)'; expected one of: \(known)")
        }
        requests.removeAll { $0.kind == kind }
        requests.append((kind, fraction))
        requests.sort { $0.kind < $1.kind }
    }

    /// Adds every attack type (`all` or `all:FRACTION`, which sets the shared fraction).
    public mutating func addAll(_ text: String) throws(SimConfigError) {
        let (name, fraction) = try Self.split(text)
        guard name == "all" else {
            throw SimConfigError("--attacks takes 'all' or 'all:FRACTION', found '\(text)'; use --attack TYPE for one type")
        }
        if let fraction { sharedFraction = fraction }
        for kind in AttackKind.allCases where !requests.contains(where: { $0.kind == kind }) {
            requests.append((kind, nil))
        }
        requests.sort { $0.kind < $1.kind }
    }

    /// Drops the envelope attacks (for plaintext output); returns what was dropped.
    public mutating func removeEnvelopeAttacks() -> [AttackKind] {
        let dropped = requests.filter { $0.kind.needsEnvelope }.map(\.kind)
        requests.removeAll { $0.kind.needsEnvelope }
        return dropped
    }

    /// How many instances of each requested type a fleet of `devices` gets.
    public func counts(devices: Int) -> [(kind: AttackKind, count: Int)] {
        let shared = requests.filter { $0.fraction == nil }.map(\.kind)
        let sharedTotal = shared.isEmpty ? 0 : max(shared.count, Int((sharedFraction * Double(devices)).rounded()))
        return requests.map { request in
            if let fraction = request.fraction {
                return (request.kind, max(1, Int((fraction * Double(devices)).rounded())))
            }
            let position = shared.firstIndex(of: request.kind) ?? 0
            let count = sharedTotal / shared.count + (position < sharedTotal % shared.count ? 1 : 0)
            return (request.kind, count)
        }
    }

    private static func split(_ text: String) throws(SimConfigError) -> (String, Double?) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard parts.count == 2 else { return (name, nil) }
        var number = Substring(parts[1])
        var scale = 1.0
        if number.hasSuffix("%") {
            number = number.dropLast()
            scale = 0.01
        }
        guard let value = Double(number), value.isFinite, value * scale > 0, value * scale <= 1 else {
            throw SimConfigError("attack fraction in '\(text)' must be a number in (0, 1] or a percentage like 5%")
        }
        return (name, value * scale)
    }

    public static func == (lhs: AttackSelection, rhs: AttackSelection) -> Bool {
        lhs.sharedFraction == rhs.sharedFraction && lhs.requests.elementsEqual(rhs.requests) {
            $0.kind == $1.kind && $0.fraction == $1.fraction
        }
    }
}
