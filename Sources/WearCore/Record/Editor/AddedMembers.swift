import Glibc

/// The members a `RecordEditor` adds to a line, written one after the
/// other into one buffer as `,"name":value` (the very bytes `finish()`
/// copies), with where each one's name and value lie. Adding is the common
/// edit (wear-decrypt's `rx` and `sz`, a first `flags`, `score`), so it
/// costs one append and no object per member.
///
/// A class, so that the editor's calls never copy it (a struct stored in a
/// class is copied, and its references retained, for each call).
///
/// Changing a member added earlier rewrites it in place when it is the last
/// one, else moves it to the end (its old bytes are skipped by `finish`).
final class AddedMembers {
    struct Entry {
        /// `,"name":value` in `buffer` (the name is compared there: holding
        /// a reference to the `MemberName` would cost a retain per member).
        var range: Range<Int>
        /// Where the value starts in `buffer`.
        var valueStart: Int
        var isLive: Bool
    }

    let buffer = ByteBuffer(capacity: 256)
    /// The entries are `entries[0..<count]` (the rest are kept, not freed).
    @exclusivity(unchecked) var entries: [Entry] = []
    @exclusivity(unchecked) var count = 0
    /// True while every entry is live (then `buffer` is copied in one go).
    @exclusivity(unchecked) var allLive = true

    init() { entries.reserveCapacity(8) }

    func removeAll() {
        buffer.removeAll()
        count = 0
        allLive = true
    }

    /// The live entry for `name`.
    @inline(__always)
    func find(_ name: MemberName) -> Int? {
        guard count > 0 else { return nil }
        return name.quoted.withUnsafeBytes { quoted -> Int? in
            guard let wanted = quoted.baseAddress else { return nil }
            for index in 0..<count where entries[index].isLive {
                let entry = entries[index]
                let nameStart = entry.range.lowerBound + 1
                guard entry.valueStart - 1 - nameStart == quoted.count else { continue }
                if memcmp(buffer.base + nameStart, wanted, quoted.count) == 0 { return index }
            }
            return nil
        }
    }

    @inline(__always)
    private func store(_ entry: Entry) -> Int {
        if count == entries.count { entries.append(entry) } else { entries[count] = entry }
        count += 1
        return count - 1
    }

    /// Adds `,"name":` and the value `write` writes, as one new entry.
    @inline(__always)
    func add(_ name: MemberName, _ write: (ByteBuffer) -> Void) {
        let start = buffer.count
        buffer.append(UInt8(ascii: ","))
        name.quoted.withUnsafeBytes { buffer.append($0) }
        buffer.append(UInt8(ascii: ":"))
        let valueStart = buffer.count
        write(buffer)
        _ = store(Entry(range: start..<buffer.count, valueStart: valueStart, isLive: true))
    }

    /// Starts a new entry `,"name":` and returns its index; the caller writes
    /// the value into `buffer`, then calls `close`.
    func open(_ name: MemberName) -> Int {
        let start = buffer.count
        buffer.append(UInt8(ascii: ","))
        name.quoted.withUnsafeBytes { buffer.append($0) }
        buffer.append(UInt8(ascii: ":"))
        return store(Entry(range: start..<start, valueStart: buffer.count, isLive: true))
    }

    func close(_ index: Int) {
        entries[index].range = entries[index].range.lowerBound..<buffer.count
    }

    /// Makes entry `index` the last one (moving its bytes to the end if
    /// needed) and removes its value; returns its (possibly new) index.
    func reopenValue(_ index: Int) -> Int {
        let last = moveToEnd(index)
        buffer.truncate(to: entries[last].valueStart)
        return last
    }

    /// Makes entry `index` the last one, moving its bytes if needed.
    func moveToEnd(_ index: Int) -> Int {
        guard index != count - 1 else { return index }
        let entry = entries[index]
        entries[index].isLive = false
        allLive = false
        let start = buffer.count
        buffer.reserve(entry.range.count)
        buffer.append(UnsafeRawBufferPointer(start: buffer.base + entry.range.lowerBound, count: entry.range.count))
        return store(Entry(range: start..<buffer.count,
                           valueStart: start + entry.valueStart - entry.range.lowerBound, isLive: true))
    }

    /// The value of entry `index`.
    func value(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer.base + entries[index].valueStart, count: entries[index].range.upperBound - entries[index].valueStart)
    }

    /// Appends the live entries to `output`; the first without its comma
    /// when `leadingComma` is false (an empty object).
    func write(to output: ByteBuffer, leadingComma: Bool) {
        guard buffer.count > 0 else { return }
        if allLive {
            let skip = leadingComma ? 0 : 1
            output.append(UnsafeRawBufferPointer(start: buffer.base + skip, count: buffer.count - skip))
            return
        }
        var comma = leadingComma
        for entry in entries[0..<count] where entry.isLive {
            let skip = comma ? 0 : 1
            output.append(UnsafeRawBufferPointer(start: buffer.base + entry.range.lowerBound + skip, count: entry.range.count - skip))
            comma = true
        }
    }
}
