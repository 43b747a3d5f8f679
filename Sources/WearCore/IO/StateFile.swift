import Glibc

/// The container of a stage's saved state (`--state FILE`): a versioned
/// header that says whose state it is and for which configuration, the
/// stage's body, and a checksum over all of it. Written with `DurableFile`
/// (private, atomic); read back whole at start.
///
/// Layout (integers little-endian):
///
///     "WEARSTAT"                 8 bytes, magic
///     container version          u32 (1)
///     stage                      u16 length + UTF-8 ("wear-score")
///     body format version        u32 (the stage's own)
///     configuration              u32 length + UTF-8 (what the body's meaning
///                                depends on, e.g. the features; a run with
///                                another one refuses the file)
///     body                       u64 length + bytes
///     checksum                   u64: `ShardHash(seed: checksumSeed)` of
///                                everything before it
///
/// The checksum finds truncation and corruption (a torn copy, a bad disk);
/// it is not a MAC: the file is private to the stage's user, and whoever
/// can write it can run the stage.
public struct StateFile: Sendable, Equatable {
    public static let magic: [UInt8] = Array("WEARSTAT".utf8)
    public static let containerVersion: UInt32 = 1
    static let checksumSeed: UInt64 = 0x5745_4152_5354_4154 // "WEARSTAT"
    /// The largest state file read (the body of 100 million devices fits).
    public static let maxBytes = 64 << 30

    public var stage: String
    public var version: UInt32
    public var configuration: String
    /// The stage's bytes (a slice of the file read: no copy).
    public var body: ArraySlice<UInt8>

    public init(stage: String, version: UInt32, configuration: String, body: [UInt8]) {
        self.init(stage: stage, version: version, configuration: configuration, body: body[...])
    }

    public init(stage: String, version: UInt32, configuration: String, body: ArraySlice<UInt8>) {
        self.stage = stage
        self.version = version
        self.configuration = configuration
        self.body = body
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        Self.chunks(stage: stage, version: version, configuration: configuration, body: [Array(body)]).flatMap { $0 }
    }

    /// The file whose body is `body` joined, as chunks to write one after
    /// another (`DurableFile.write(chunks:)`): the header, the body's own
    /// chunks (not copied), the checksum.
    public static func chunks(stage: String, version: UInt32, configuration: String, body: [[UInt8]]) -> [[UInt8]] {
        var header = StateWriter()
        header.bytes(magic)
        header.u32(containerVersion)
        header.string16(stage)
        header.u32(version)
        header.string32(configuration)
        let bodyCount = body.reduce(0) { $0 + $1.count }
        header.u64(UInt64(bodyCount))
        var checksum = ShardHash.Stream(ShardHash(seed: checksumSeed), totalCount: header.output.count + bodyCount)
        header.output.withUnsafeBytes { checksum.update($0) }
        for chunk in body { chunk.withUnsafeBytes { checksum.update($0) } }
        var trailer = StateWriter()
        trailer.u64(checksum.finish())
        return [header.output] + body + [trailer.output]
    }

    /// Parses a file's bytes, checking the magic, the container version and
    /// the checksum; the caller checks `stage`, `version` and `configuration`
    /// (`expect`).
    public init(decoding bytes: [UInt8]) throws(StateFileError) {
        guard bytes.count >= Self.magic.count, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw .notStateFile
        }
        guard bytes.count >= Self.magic.count + 4 + 8 else { throw .truncated }
        let checked = bytes.count - 8
        let expected = bytes.withUnsafeBytes { raw in
            ShardHash(seed: Self.checksumSeed).hash(UnsafeRawBufferPointer(rebasing: raw[0..<checked]))
        }
        var reader = StateReader(bytes[0...])
        _ = try reader.bytes(Self.magic.count)
        let container = try reader.u32()
        guard container == Self.containerVersion else {
            throw .unsupported("container format \(container); this build reads format \(Self.containerVersion)")
        }
        var tail = StateReader(bytes[checked...])
        guard try tail.u64() == expected else { throw .checksum }
        stage = try reader.string16()
        version = try reader.u32()
        configuration = try reader.string32()
        let length = try reader.u64()
        guard length == UInt64(checked - reader.offset) else { throw .truncated }
        body = try reader.bytes(Int(length))
    }

    /// Refuses a file of another stage, body version or configuration.
    public func expect(stage: String, version: UInt32, configuration: String) throws(StateFileError) {
        guard self.stage == stage else { throw .otherStage(self.stage) }
        guard self.version == version else {
            throw .unsupported("\(stage) state format \(self.version); this build reads format \(version)")
        }
        guard self.configuration == configuration else {
            throw .otherConfiguration(saved: self.configuration, current: configuration)
        }
    }

    /// Reads and parses `path`; nil when it does not exist (a first run).
    /// Errors name the path; an unreadable file is 66, a bad one 78.
    public static func read(_ path: String) throws(StageFailure) -> StateFile? {
        guard access(path, F_OK) == 0 else {
            if errno == ENOENT { return nil }
            throw StageFailure(status: .noInput, message: "cannot read state file \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = try ConfigFile.read(path, maxBytes: maxBytes, what: "state file")
        do throws(StateFileError) {
            return try StateFile(decoding: bytes)
        } catch {
            throw error.failure(path: path)
        }
    }
}

/// Why a state file was refused.
public enum StateFileError: Error, Equatable, CustomStringConvertible {
    case notStateFile
    case truncated
    case checksum
    case unsupported(String)
    case otherStage(String)
    case otherConfiguration(saved: String, current: String)
    /// The stage's body did not parse (its own message).
    case body(String)

    public var description: String {
        switch self {
        case .notStateFile: "not a wear state file (no WEARSTAT header)"
        case .truncated: "truncated (shorter than its header says)"
        case .checksum: "corrupt (checksum mismatch)"
        case .unsupported(let what): "unsupported: \(what)"
        case .otherStage(let stage): "written by \(stage)"
        case .otherConfiguration(let saved, let current):
            "written for another configuration (saved: \(saved); this run: \(current))"
        case .body(let message): "corrupt body: \(message)"
        }
    }

    /// The line a person acts on: 78, with the way out.
    public func failure(path: String) -> StageFailure {
        StageFailure(status: .config, message: "state file \(path) is \(self); move it away or pass --state-reset to start fresh")
    }
}

/// Appends little-endian integers, floats and byte strings.
public struct StateWriter {
    public private(set) var output: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) { output.reserveCapacity(capacity) }

    public mutating func bytes(_ bytes: some Sequence<UInt8>) { output.append(contentsOf: bytes) }
    public mutating func bytes(_ bytes: UnsafeRawBufferPointer) { output.append(contentsOf: bytes) }
    public mutating func u8(_ value: UInt8) { output.append(value) }
    public mutating func u16(_ value: UInt16) { integer(value) }
    public mutating func u32(_ value: UInt32) { integer(value) }
    public mutating func u64(_ value: UInt64) { integer(value) }
    public mutating func i64(_ value: Int64) { integer(UInt64(bitPattern: value)) }
    public mutating func f32(_ value: Float) { integer(value.bitPattern) }

    public mutating func string16(_ text: String) {
        let utf8 = Array(text.utf8.prefix(Int(UInt16.max)))
        u16(UInt16(utf8.count))
        bytes(utf8)
    }

    public mutating func string32(_ text: String) {
        u32(UInt32(text.utf8.count))
        bytes(text.utf8)
    }

    private mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }
}

/// Reads what `StateWriter` wrote; every read past the end is `.truncated`.
public struct StateReader {
    private let bytes: ArraySlice<UInt8>
    public private(set) var offset: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    public var isAtEnd: Bool { offset == bytes.endIndex }
    public var remaining: Int { bytes.endIndex - offset }

    public mutating func bytes(_ count: Int) throws(StateFileError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw .truncated }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func u8() throws(StateFileError) -> UInt8 { try integer() }
    public mutating func u16() throws(StateFileError) -> UInt16 { try integer() }
    public mutating func u32() throws(StateFileError) -> UInt32 { try integer() }
    public mutating func u64() throws(StateFileError) -> UInt64 { try integer() }
    public mutating func i64() throws(StateFileError) -> Int64 { Int64(bitPattern: try integer()) }
    public mutating func f32() throws(StateFileError) -> Float { Float(bitPattern: try integer()) }

    public mutating func string16() throws(StateFileError) -> String {
        let count = Int(try u16())
        return String(decoding: try bytes(count), as: UTF8.self)
    }

    public mutating func string32() throws(StateFileError) -> String {
        let count = Int(try u32())
        return String(decoding: try bytes(count), as: UTF8.self)
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(StateFileError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw .truncated }
        let start = offset - bytes.startIndex
        defer { offset += size }
        return T(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: T.self) })
    }
}
