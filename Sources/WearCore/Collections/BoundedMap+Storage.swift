import Glibc

extension BoundedMap {
    /// Where `key` is: its entry index, or the empty table slot where it would go.
    @inlinable @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> (index: Int32?, slot: Int) {
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let word = table[slot]
            if word == 0 { return (nil, slot) }
            if word >> 32 == tag {
                let index = Int32(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
                let entry = entries[Int(index)]
                if entry.hash == hash, Int(entry.keyCount) == key.count,
                   Self.equal(entry.key ?? keyArena + Int(index) * inlineKeyBytes, key) {
                    return (index, slot)
                }
            }
            slot = (slot + 1) & mask
        }
    }

    @inlinable @inline(__always)
    static func equal(_ stored: UnsafeRawPointer, _ key: UnsafeRawBufferPointer) -> Bool {
        guard let base = key.baseAddress else { return key.isEmpty }
        return memcmp(stored, base, key.count) == 0
    }

    /// Where entry `index` keeps its key bytes.
    @inlinable @inline(__always)
    func keyBytes(_ index: Int32) -> UnsafeMutableRawPointer {
        entries[Int(index)].key ?? keyArena + Int(index) * inlineKeyBytes
    }

    /// Marks entry `index` most recently seen.
    @inlinable @inline(__always)
    func touch(_ index: Int32) {
        guard index != head else { return }
        unlink(index)
        pushFront(index)
    }

    @inlinable @inline(__always)
    func unlink(_ index: Int32) {
        let entry = entries[Int(index)]
        if entry.prev >= 0 { entries[Int(entry.prev)].next = entry.next } else { head = entry.next }
        if entry.next >= 0 { entries[Int(entry.next)].prev = entry.prev } else { tail = entry.prev }
    }

    @inlinable @inline(__always)
    func pushFront(_ index: Int32) {
        entries[Int(index)].prev = -1
        entries[Int(index)].next = head
        if head >= 0 { entries[Int(head)].prev = index } else { tail = index }
        head = index
    }

    /// Adds a new entry for an absent `key` whose empty slot is `slot`:
    /// a free entry, else fresh storage (growing it), else the least
    /// recently seen entry, evicted.
    @inlinable
    func add(_ value: Value, key: UnsafeRawBufferPointer, hash: UInt64, slot: Int) -> (index: Int32, evicted: Value?) {
        var slot = slot
        var evicted: Value?
        let index: Int32
        if free >= 0 {
            index = free
            free = entries[Int(index)].next
        } else if used < capacity {
            if used == allocated {
                grow()
                slot = find(key, hash: hash).slot
            }
            index = Int32(used)
            used += 1
        } else {
            index = tail
            evicted = (values + Int(index)).move()
            wipe(index)
            release(index, keepsEntry: true)
            evictionCount &+= 1
            // The deletion may have shifted entries back into the probe run: find the slot again.
            slot = find(key, hash: hash).slot
        }
        var outOfLine: UnsafeMutableRawPointer?
        if key.count > inlineKeyBytes { outOfLine = .allocate(byteCount: key.count, alignment: 8) }
        entries[Int(index)] = Entry(key: outOfLine, hash: hash, keyCount: Int32(key.count), prev: -1, next: -1)
        if let base = key.baseAddress, key.count > 0 { keyBytes(index).copyMemory(from: base, byteCount: key.count) }
        (values + Int(index)).initialize(to: value)
        table[slot] = (hash >> 32) << 32 | UInt64(index + 1)
        pushFront(index)
        liveCount += 1
        return (index, evicted)
    }

    /// Takes entry `index` (whose value is already moved out) off the list
    /// and the table; unless `keepsEntry`, puts it on the free list.
    @inlinable
    func release(_ index: Int32, keepsEntry: Bool = false) {
        unlink(index)
        deleteSlot(of: index)
        dropKey(index)
        liveCount -= 1
        if !keepsEntry {
            entries[Int(index)].next = free
            free = index
        }
    }

    /// Frees an out-of-line key and marks the entry free.
    @inlinable
    func dropKey(_ index: Int32) {
        entries[Int(index)].key?.deallocate()
        entries[Int(index)].key = nil
        entries[Int(index)].keyCount = -1
    }

    @inlinable
    func wipe(_ index: Int32) {
        guard wipesRemovedValues else { return }
        memset(UnsafeMutableRawPointer(values + Int(index)), 0, MemoryLayout<Value>.stride)
    }

    /// Backward-shift deletion of entry `index`'s table slot (linear probing without tombstones).
    @inlinable
    func deleteSlot(of index: Int32) {
        let wanted = UInt64(index + 1)
        var hole = Int(truncatingIfNeeded: entries[Int(index)].hash) & mask
        while table[hole] & 0xFFFF_FFFF != wanted { hole = (hole + 1) & mask }
        var probe = hole
        while true {
            probe = (probe + 1) & mask
            let word = table[probe]
            if word == 0 { break }
            let home = Int(truncatingIfNeeded: entries[Int(word & 0xFFFF_FFFF) - 1].hash) & mask
            // Move the word into the hole unless its home lies cyclically in (hole, probe].
            if (hole - home) & mask < (probe - home) & mask {
                table[hole] = word
                hole = probe
            }
        }
        table[hole] = 0
    }

    /// Doubles the storage (up to `capacity`) and rebuilds the table.
    @inlinable
    func grow() {
        let size = min(capacity, allocated * 2)
        let newEntries = UnsafeMutablePointer<Entry>.allocate(capacity: size)
        newEntries.moveInitialize(from: entries, count: used)
        entries.deallocate()
        entries = newEntries
        let newValues = UnsafeMutablePointer<Value>.allocate(capacity: size)
        // Free entries hold no value; live ones are moved one by one.
        for index in 0..<used where entries[index].keyCount >= 0 {
            (newValues + index).moveInitialize(from: values + index, count: 1)
        }
        values.deallocate()
        values = newValues
        let newArena = UnsafeMutableRawPointer.allocate(byteCount: max(size * inlineKeyBytes, 1), alignment: 8)
        newArena.copyMemory(from: keyArena, byteCount: used * inlineKeyBytes)
        keyArena.deallocate()
        keyArena = newArena
        allocated = size
        rebuildTable(size: Self.tableSize(for: size))
    }

    @usableFromInline
    func rebuildTable(size: Int) {
        table.deallocate()
        table = .allocate(capacity: size)
        table.initialize(repeating: 0, count: size)
        mask = size - 1
        for index in 0..<used where entries[index].keyCount >= 0 {
            let hash = entries[index].hash
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = (hash >> 32) << 32 | UInt64(index + 1)
        }
    }
}
