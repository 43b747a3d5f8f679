import Testing
@testable import WearCore

/// The state container: what it writes reads back; every damage is refused
/// with its own reason, before the stage sees the body.
@Suite struct StateFileTests {
    static let file = StateFile(stage: "wear-score", version: 3, configuration: "key=dev features=hr",
                                body: Array(0...255).map { UInt8($0) } + Array("body".utf8))

    @Test func whatItWritesReadsBack() throws {
        let bytes = Self.file.encoded()
        #expect(Array(bytes.prefix(8)) == Array("WEARSTAT".utf8))
        #expect(try StateFile(decoding: bytes) == Self.file)
        try StateFile(decoding: bytes).expect(stage: "wear-score", version: 3, configuration: "key=dev features=hr")
        let empty = StateFile(stage: "s", version: 1, configuration: "", body: [])
        #expect(try StateFile(decoding: empty.encoded()) == empty)
    }

    @Test func everyDamagedByteIsRefused() {
        let bytes = Self.file.encoded()
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x01
            #expect(throws: StateFileError.self, "byte \(index)") { try StateFile(decoding: damaged) }
        }
        for count in 0..<bytes.count {
            #expect(throws: StateFileError.self, "cut at \(count)") { try StateFile(decoding: Array(bytes.prefix(count))) }
        }
    }

    @Test func eachRefusalSaysWhy() {
        let bytes = Self.file.encoded()
        #expect(throws: StateFileError.notStateFile) { try StateFile(decoding: Array("{\"dev\":1}".utf8)) }
        #expect(throws: StateFileError.notStateFile) { try StateFile(decoding: []) }
        #expect(throws: StateFileError.checksum) { try StateFile(decoding: Array(bytes.dropLast())) }
        var future = bytes
        future[8] = 2
        #expect(throws: StateFileError.unsupported("container format 2; this build reads format 1")) {
            try StateFile(decoding: future)
        }
        #expect(throws: StateFileError.otherStage("wear-score")) {
            try Self.file.expect(stage: "wear-alert", version: 3, configuration: "key=dev features=hr")
        }
        #expect(throws: StateFileError.unsupported("wear-score state format 3; this build reads format 4")) {
            try Self.file.expect(stage: "wear-score", version: 4, configuration: "key=dev features=hr")
        }
        #expect(throws: StateFileError.otherConfiguration(saved: "key=dev features=hr", current: "key=host features=cpu")) {
            try Self.file.expect(stage: "wear-score", version: 3, configuration: "key=host features=cpu")
        }
        let failure = StateFileError.checksum.failure(path: "/var/lib/wear/score.state")
        #expect(failure.status == .config)
        #expect(failure.message == "state file /var/lib/wear/score.state is corrupt (checksum mismatch); move it away or pass --state-reset to start fresh")
    }

    @Test func readerAndWriterAgreeOnEveryWidth() throws {
        var writer = StateWriter()
        writer.u8(0xAB)
        writer.u16(0xBEEF)
        writer.u32(0xDEAD_BEEF)
        writer.u64(0x0123_4567_89AB_CDEF)
        writer.i64(-2)
        writer.f32(-.infinity)
        writer.f32(.nan)
        writer.string16("é|dev")
        writer.string32("")
        #expect(Array(writer.output[1...2]) == [0xEF, 0xBE], "little-endian")
        var reader = StateReader(writer.output[...])
        #expect(try reader.u8() == 0xAB)
        #expect(try reader.u16() == 0xBEEF)
        #expect(try reader.u32() == 0xDEAD_BEEF)
        #expect(try reader.u64() == 0x0123_4567_89AB_CDEF)
        #expect(try reader.i64() == -2)
        #expect(try reader.f32() == -.infinity)
        #expect(try reader.f32().isNaN)
        #expect(try reader.string16() == "é|dev")
        #expect(try reader.string32() == "")
        #expect(reader.isAtEnd)
        #expect(throws: StateFileError.truncated) { try reader.u8() }
        #expect(throws: StateFileError.truncated) { try reader.bytes(-1) }
    }

    @Test func aMissingFileIsAFirstRunAndADirectoryIsRefused() throws {
        #expect(try StateFile.read("/nonexistent-wear-dir/x.state") == nil)
        #expect(throws: StageFailure.self) { try StateFile.read("/") }
        #expect(throws: StageFailure.self) { try DurableFile(path: "/nonexistent-wear-dir/x.state", mode: 0o600).checkWritable() }
        #expect(throws: StageFailure.self) { try DurableFile(path: "/tmp", mode: 0o600).checkWritable() }
        try DurableFile(path: "/tmp/wear-state-test-absent.state", mode: 0o600).checkWritable()
    }
}

/// The streaming hash the state file's checksum uses equals the one-shot
/// hash for every way of cutting the bytes into pieces.
@Suite struct ShardHashStreamTests {
    @Test func piecesHashLikeTheWhole() {
        let bytes = (0..<67).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let hash = ShardHash(seed: 42)
        for length in [0, 1, 7, 8, 9, 16, 67] {
            let whole = Array(bytes.prefix(length))
            let expected = whole.withUnsafeBytes { hash.hash($0) }
            for cut in 0...length {
                for second in cut...length {
                    var stream = ShardHash.Stream(hash, totalCount: length)
                    for piece in [whole[..<cut], whole[cut..<second], whole[second...]] {
                        Array(piece).withUnsafeBytes { stream.update($0) }
                    }
                    #expect(stream.finish() == expected, "length \(length), cuts \(cut), \(second)")
                }
            }
        }
    }

    @Test func chunksAreTheEncodedFile() throws {
        let body: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 9, count: 21)]
        let chunks = StateFile.chunks(stage: "s", version: 2, configuration: "c", body: body)
        let file = try StateFile(decoding: chunks.flatMap { $0 })
        #expect(file.body == ArraySlice(body.flatMap { $0 }))
        #expect(file.encoded() == chunks.flatMap { $0 })
    }
}
