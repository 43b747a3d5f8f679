extension Completions {
    /// The entries of `parts` merged into input order: each part's record
    /// entries are in input order already (one shard's share of a batch), so
    /// this is a k-way merge by ticket; lines without a record (a shard's
    /// `finish`) follow, part by part.
    init(mergingByRecord parts: [Completions]) {
        self.init()
        var next = [Int](repeating: 0, count: parts.count)
        var extras: [(part: Int, entry: Int)] = []
        while true {
            var best: (part: Int, ticket: RecordTicket)?
            for part in parts.indices {
                while next[part] < parts[part].entries.count, parts[part].entries[next[part]].ticket == nil {
                    extras.append((part, next[part]))
                    next[part] += 1
                }
                guard next[part] < parts[part].entries.count,
                      let ticket = parts[part].entries[next[part]].ticket else { continue }
                if best.map({ ticket < $0.ticket }) ?? true { best = (part, ticket) }
            }
            guard let (part, _) = best else { break }
            append(entry: next[part], of: parts[part])
            next[part] += 1
        }
        for (part, entry) in extras { append(entry: entry, of: parts[part]) }
    }

    /// Appends entry `index` of `other`, copying its lines.
    mutating func append(entry index: Int, of other: Completions) {
        let entry = other.entries[index]
        switch entry.outcome {
        case .pass:
            if let ticket = entry.ticket { pass(ticket) }
        case .reject(let reason, let detail):
            if let ticket = entry.ticket { reject(ticket, reason, detail: detail) }
        case .notAnObject:
            if let ticket = entry.ticket { notAnObject(ticket) }
        case .emitted(let lines):
            if let ticket = entry.ticket { emit(ticket) { other.copyLines(lines, into: &$0) } }
        case .extra(let lines):
            emitWithoutRecord { other.copyLines(lines, into: &$0) }
        }
    }

    private func copyLines(_ lines: Range<Int>, into writer: inout LineWriter) {
        bytes.withUnsafeBytes { raw in
            for line in lines {
                let start = line == 0 ? 0 : lineEnds[line - 1]
                writer.line(UnsafeRawBufferPointer(rebasing: raw[start..<lineEnds[line]]))
            }
        }
    }
}
