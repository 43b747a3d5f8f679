/// The state of every stateful call with one key expression (by its
/// canonical source text, e.g. `dev`): a `BoundedMap` from the key's bytes
/// to a row of a flat arena of 8-byte words, the row holding the slots of
/// all those calls. A record costs one look-up per table (cached for the
/// record by `row()`), however many calls share it.
///
/// Keys: a string is its UTF-8 bytes; a number is 0xFF then its 8 bytes
/// (Double bits, -0 as 0), which no string can be (0xFF is never in UTF-8,
/// and simdjson validates every string), so `"1"` and `1` are different keys.
/// A full map evicts its least recently seen key and the new key reuses that
/// key's row.
final class ExprKeyTable {
    /// How a record's key is read.
    enum Source {
        /// A field: a string or a number (anything else: missing).
        case slot(Int)
        /// A string literal (one key for every record).
        case literal(UnsafeRawBufferPointer)
        /// A numeric expression (NaN: missing).
        case number(NumNode)
    }

    /// Keys up to this many bytes live inside the map's entry (a device id
    /// like `wr-000042` is 9); longer ones cost a heap allocation each.
    static let inlineKeyBytes = 16
    /// Marks a row not looked up for the current record.
    static let notLookedUp: Int32 = -2

    let text: String
    let source: Source
    let map: BoundedMap<Int32>
    private let slots: JSONSlots
    private let cells: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutableRawPointer
    /// The initial words of a row (each call's "no state yet").
    private(set) var template: [UInt64] = []
    /// Words per row (`template.count`, kept apart for the hot path).
    @exclusivity(unchecked) private(set) var rowWords = 0
    @exclusivity(unchecked) private(set) var arena: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) private var arenaRows = 0
    @exclusivity(unchecked) private var rowCount = 0
    /// This record's row, -1 when its key is missing, or `notLookedUp`.
    @exclusivity(unchecked) private var current: Int32 = ExprKeyTable.notLookedUp

    init(text: String, source: Source, maxKeys: Int, slots: JSONSlots, cells: UnsafeMutablePointer<Double>) {
        self.text = text
        self.source = source
        self.slots = slots
        self.cells = cells
        map = BoundedMap(capacity: maxKeys, inlineKeyBytes: Self.inlineKeyBytes)
        scratch = .allocate(byteCount: 16, alignment: 8)
        arena = .allocate(capacity: 1)
    }

    deinit {
        scratch.deallocate()
        arena.deallocate()
    }

    /// Reserves `initial.count` words in every row for one call; returns their offset.
    func addCall(_ initial: [UInt64]) -> Int {
        precondition(rowCount == 0, "calls are added before any key")
        let offset = template.count
        template += initial
        rowWords = template.count
        return offset
    }

    /// Forgets the cached row: a new record.
    @inline(__always)
    func beginRecord() { current = Self.notLookedUp }

    /// The row of this record's key (looked up, or added, on first use in
    /// the record), or -1 when the key is missing.
    @inline(__always)
    func row() -> Int32 {
        if current != Self.notLookedUp { return current }
        current = withKey { key in key.map(rowAdding) ?? -1 }
        return current
    }

    /// The words of `row`.
    @inline(__always)
    func words(_ row: Int32) -> UnsafeMutablePointer<UInt64> { arena + Int(row) * rowWords }

    /// Calls `body` with this record's key bytes, or nil when the key is missing.
    @inline(__always)
    private func withKey<R>(_ body: (UnsafeRawBufferPointer?) -> R) -> R {
        switch source {
        case .literal(let bytes): return body(bytes)
        case .slot(let slot):
            if let bytes = slots.stringBytes(slot) { return body(bytes) }
            return body(numberKey(cells[slot]))
        case .number(let node): return body(numberKey(node.value(cells)))
        }
    }

    @inline(__always)
    private func numberKey(_ value: Double) -> UnsafeRawBufferPointer? {
        guard !value.isNaN else { return nil }
        scratch.storeBytes(of: 0xFF, as: UInt8.self)
        scratch.storeBytes(of: (value == 0 ? 0 : value).bitPattern, toByteOffset: 1, as: UInt64.self)
        return UnsafeRawBufferPointer(start: scratch, count: 9)
    }

    /// Takes over `old`'s keys (at most `maxKeys`, the most recently seen;
    /// recency order kept) and, for each key, the words `moves` names
    /// (old offset, new offset, count); every other word starts fresh.
    /// Returns how many keys did not fit.
    func adopt(from old: ExprKeyTable, moves: [(old: Int, new: Int, count: Int)]) -> Int {
        var keys: [([UInt8], Int32)] = []
        old.map.forEach { key, row in keys.append((Array(key), row)) }
        let kept = keys.prefix(map.capacity)
        for (key, oldRow) in kept.reversed() {
            let row = key.withUnsafeBytes { rowAdding($0) }
            let (from, to) = (old.words(oldRow), words(row))
            for move in moves { (to + move.new).update(from: from + move.old, count: move.count) }
        }
        return keys.count - kept.count
    }

    /// The row of `key`, adding a fresh one (evicting the least recently seen key when full).
    func rowAdding(_ key: UnsafeRawBufferPointer) -> Int32 {
        if let row = map.value(forKey: key) { return row }
        let row: Int32
        if map.count >= map.capacity, let evicted = map.evictLeastRecentlySeen() {
            row = evicted
        } else {
            row = Int32(rowCount)
            rowCount += 1
            reserveRows(rowCount)
        }
        let words = self.words(row)
        template.withUnsafeBufferPointer { words.update(from: $0.baseAddress!, count: $0.count) }
        map.insert(row, forKey: key)
        return row
    }

    private func reserveRows(_ rows: Int) {
        guard rows > arenaRows else { return }
        let grown = min(map.capacity, max(64, arenaRows * 2))
        let bigger = UnsafeMutablePointer<UInt64>.allocate(capacity: max(grown * rowWords, 1))
        bigger.update(from: arena, count: arenaRows * rowWords)
        arena.deallocate()
        arena = bigger
        arenaRows = grown
    }

    /// Bytes held now: the map's and the arena's.
    var footprintBytes: Int { map.footprintBytes + arenaRows * rowWords * MemoryLayout<UInt64>.stride }

    /// Bytes one key takes here when the map is full: the map's entry (its
    /// bookkeeping, value and inline key) and table slots, and the row.
    var bytesPerKey: Int {
        let capacity = map.capacity
        let table = BoundedMap<Int32>.tableSize(for: capacity) * MemoryLayout<UInt64>.stride
        return BoundedMap<Int32>.bytesPerEntry(inlineKeyBytes: Self.inlineKeyBytes, tableSlots: 0)
            + (table + capacity - 1) / capacity + rowWords * MemoryLayout<UInt64>.stride
    }
}
