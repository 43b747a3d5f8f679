/// Splits a batch into one list of record indices per shard, by the keyed
/// hash of each record's key (runner thread; the per-record cost of
/// sharding lives here: a scan to the key member, a hash, an append).
final class ShardRouter {
    let shards: Int
    private let key: String
    private let scanner: ShardKeyScanner
    private let hash: ShardHash
    /// Where records without the key (or with a non-string key) go.
    private let emptyKeyShard: Int
    /// For lines the scanner leaves undecided (escapes); made on first use.
    private var parser: JSONParser?
    private let maxLineBytes: Int

    init(key: String, hash: ShardHash, shards: Int, maxLineBytes: Int) {
        self.key = key
        self.scanner = ShardKeyScanner(member: key)
        self.hash = hash
        self.shards = shards
        self.maxLineBytes = maxLineBytes
        self.emptyKeyShard = ShardHash.shard(of: hash.hash(""), among: shards)
    }

    /// Per shard, the indices of `batch`'s records it gets, in input order.
    func split(_ batch: RecordBatch) -> [[Int32]] {
        guard shards > 1 else { return [Array(0..<Int32(batch.count))] }
        var parts = [[Int32]](repeating: [], count: shards)
        let expected = batch.count / shards + 16
        for index in 0..<shards { parts[index].reserveCapacity(expected) }
        for index in 0..<batch.count {
            parts[shard(of: batch.line(at: index).bytes)].append(Int32(index))
        }
        return parts
    }

    /// The shard of one line (which has `JSONParser.padding` readable bytes after it).
    @inline(__always)
    func shard(of line: UnsafeRawBufferPointer) -> Int {
        switch scanner.lookup(line) {
        case .value(let range):
            return ShardHash.shard(of: hash.hash(UnsafeRawBufferPointer(rebasing: line[range])), among: shards)
        case .absent:
            return emptyKeyShard
        case .undecided:
            return settle(line)
        }
    }

    /// A real parse for a line with escapes (or not an object): the key's
    /// decoded bytes, exactly as a shard reads them with `member(named:)`.
    /// A line that does not parse goes to the empty key's shard, whose
    /// record layer rejects it.
    private func settle(_ line: UnsafeRawBufferPointer) -> Int {
        let parser = self.parser ?? JSONParser(capacity: maxLineBytes + 1)
        self.parser = parser
        guard case .success(let root) = parser.parse(padded: line),
              let value = root.member(named: key)?.stringBytes else { return emptyKeyShard }
        return ShardHash.shard(of: hash.hash(value), among: shards)
    }
}
