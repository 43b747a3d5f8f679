import Crypto
import Testing
import WearJOSE

@Suite struct KeyDerivationTests {
    /// master = 00 01 .. 1f; expected from Python `cryptography`'s HKDF (SHA-256,
    /// salt "wear-telemetry-v1", info "wr-000042", 32 bytes).
    static let master: [UInt8] = Array(0..<32)
    static let expected = "6FZNXgQUWtT0cH43FzdteIuP30QFcpum5cWIS6cdh_0"

    @Test func derivesTheDeviceKeyWithHKDFSHA256() throws {
        let master = try MasterKey(bytes: Self.master)
        #expect(master.deviceKey(for: "wr-000042").base64URL == Self.expected)
    }

    /// The extract step runs once per master key; each device is one expand.
    @Test(arguments: ["wr-000042", "", "gw/7", String(repeating: "é", count: 128)])
    func derivedKeysAreTheFullThirtyTwoByteHKDFOutput(_ device: String) throws {
        let master = try MasterKey(bytes: Self.master)
        let oneShot = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Self.master), salt: Array("wear-telemetry-v1".utf8),
                                             info: Array(device.utf8), outputByteCount: 32)
        let key = master.deviceKey(for: device)
        #expect(key.byteCount == 32 && key.impliedEncryption == .a256gcm)
        #expect(key.base64URL == Base64URL.encode(oneShot.withUnsafeBytes { Array($0) }))
    }

    @Test(arguments: ContentEncryption.allCases)
    func generatedDeviceKeysHaveTheLengthTheirAlgorithmNeeds(_ enc: ContentEncryption) {
        let key = DeviceKey.generate(enc)
        #expect(key.byteCount == enc.keyByteCount && key.impliedEncryption == enc && key.fits(enc))
        #expect(key != DeviceKey.generate(enc))
    }

    @Test(arguments: [
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "  000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\n",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",
    ])
    func readsMasterKeyTextAsHexOrBase64(_ text: String) throws {
        let key = try MasterKey(text: text)
        #expect(key.hexText == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
    }

    @Test(arguments: ["", "00ff", "not a key at all", String(repeating: "0", count: 66), "AAEC"])
    func refusesMasterKeyTextThatIsNotThirtyTwoBytes(_ text: String) {
        #expect(throws: KeyError.self) { try MasterKey(text: text) }
    }

    @Test func generatedMasterKeysDiffer() {
        #expect(MasterKey.generate().hexText != MasterKey.generate().hexText)
    }

    @Test func keysNeverPrintTheirBytes() throws {
        let master = try MasterKey(bytes: Self.master)
        let device = master.deviceKey(for: "wr-000042")
        for text in [String(describing: device), String(reflecting: device), "\(device)", String(describing: master),
                     dumped(device), dumped(master)] {
            #expect(!text.contains(Self.expected))
            #expect(!text.contains("0001020304"))
            #expect(!text.contains("232"))  // byte 0xe8, printed as a decimal array element
        }
        #expect(String(describing: device) == "DeviceKey(256-bit, redacted)")
    }

    @Test(arguments: [0, 15, 17, 24, 31, 33, 64])
    func refusesDeviceKeysOfOtherLengths(_ count: Int) {
        #expect(throws: KeyError.self) { try DeviceKey(bytes: [UInt8](repeating: 1, count: count)) }
    }

    private func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}
