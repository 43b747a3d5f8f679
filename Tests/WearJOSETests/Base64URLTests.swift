import Foundation
import Testing
import WearJOSE

@Suite struct Base64URLTests {
    @Test(arguments: [
        ("", [UInt8]()), ("AA", [0]), ("AAE", [0, 1]), ("AAEC", [0, 1, 2]), ("-_8", [0xFB, 0xFF]),
        ("_-_-", [0xFF, 0xEF, 0xFE]), ("eyJ9", Array("{\"}".utf8)),
    ])
    func decodesStrictBase64URL(_ text: String, _ bytes: [UInt8]) {
        #expect(Base64URL.decode(Array(text.utf8)) == bytes)
        #expect(Base64URL.encode(bytes) == text)
    }

    @Test(arguments: [
        "A",        // 4n+1 characters
        "AA==",     // padding
        "AAE=",
        "+/8",      // the standard alphabet
        "AA E",     // whitespace
        "AA\nE",
        "AB",       // non-zero trailing bits (one byte in two characters)
        "AAF",      // non-zero trailing bits (two bytes in three characters)
        "AA.A",
        "ÄÄÄÄ",
    ])
    func refusesAnythingElse(_ text: String) {
        #expect(Base64URL.decode(Array(text.utf8)) == nil)
    }

    @Test func roundTripsEveryLengthAgainstFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for count in 0..<200 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64URL.encode(bytes)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(text == foundation)
            #expect(Base64URL.decode(Array(text.utf8)) == bytes)
            #expect(Base64URL.decodedCount(text.utf8.count) == count)
        }
    }

    @Test func everyInvalidByteIsRefusedInEveryPosition() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for byte in UInt8.min...UInt8.max where !alphabet.contains(byte) {
            for position in 0..<8 {
                var text = Array("AAAAAAAA".utf8)
                text[position] = byte
                #expect(Base64URL.decode(text) == nil, "byte \(byte) at \(position)")
            }
        }
    }

    /// The C decoder (AVX2 for 32 characters at a time) against the Swift one.
    @Test func theVectorDecoderAgreesWithTheScalarOne() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for count in 0..<400 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64URL.encodeBytes(bytes)
            #expect(vectorDecode(text) == bytes, "length \(count)")
            guard !text.isEmpty else { continue }
            for position in Set([0, text.count / 2, text.count - 1, min(31, text.count - 1), min(32, text.count - 1)]) {
                for byte: UInt8 in [0, 0x2B, 0x2F, 0x3D, 0x2E, 0x20, 0x40, 0x5B, 0x60, 0x7B, 0x80, 0xFF] {
                    var broken = text
                    broken[position] = byte
                    #expect(vectorDecode(broken) == nil, "byte \(byte) at \(position) of \(text.count)")
                }
            }
            var other = text
            other[text.count / 2] = alphabet[Int(UInt8.random(in: 0...63, using: &generator))]
            #expect(vectorDecode(other) == Base64URL.decode(other))
        }
    }

    @Test func theVectorDecoderRefusesOutputThatDoesNotFit() {
        let text = Array(Base64URL.encode([UInt8](repeating: 9, count: 100)).utf8)
        var output = [UInt8](repeating: 0, count: 99)
        let written = text.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { Base64URL.decode(input, into: $0.baseAddress!, capacity: $0.count) }
        }
        #expect(written == nil)
    }

    private func vectorDecode(_ text: [UInt8]) -> [UInt8]? {
        var output = [UInt8](repeating: 0xEE, count: text.count + 40)
        let written = text.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { Base64URL.decode(input, into: $0.baseAddress!, capacity: $0.count) }
        }
        return written.map { Array(output[0..<$0]) }
    }

    @Test func lenientDecodingAcceptsPaddingAndTheStandardAlphabet() {
        #expect(Base64URL.decodeLenient("+/8=") == [0xFB, 0xFF])
        #expect(Base64URL.decodeLenient("AAEC") == [0, 1, 2])
        #expect(Base64URL.decodeLenient("A") == nil)
    }
}
