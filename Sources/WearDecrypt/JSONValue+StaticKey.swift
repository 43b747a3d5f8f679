import WearCore

extension JSONValue {
    /// The first member named `key`, without building a String (the hot
    /// path's look-ups: `jwe`, `rx`, `dev`).
    @inline(__always)
    func member(_ key: StaticString) -> JSONValue? {
        member(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }
}
