import Testing
import WearCore
import WearJOSE

@Suite struct ProtectedHeaderTests {
    let parser = JSONParser(capacity: 4096)

    private func parse(_ json: String) -> Result<ProtectedHeader, JWEFailure> {
        Array(json.utf8).withUnsafeBytes { ProtectedHeader.parse(json: $0, parser: parser) }
    }

    @Test(arguments: [
        (#"{"alg":"dir","enc":"A256GCM","kid":"wr-1"}"#, ContentEncryption.a256gcm, "wr-1"),
        (#"{"kid":"wr-1","enc":"A128GCM","alg":"dir"}"#, .a128gcm, "wr-1"),
        (#" { "alg" : "dir" , "enc":"A256GCM", "kid":"w\u0072-\"1\"" } "#, .a256gcm, #"wr-"1""#),
    ])
    func acceptsExactlyAlgEncAndKid(_ json: String, _ enc: ContentEncryption, _ kid: String) throws {
        #expect(try parse(json).get() == ProtectedHeader(enc: enc, kid: kid))
    }

    @Test(arguments: [
        (#"{"alg":"dir","enc":"A256GCM","kid":"a","zip":"DEF"}"#, JWEFailure.Kind.unsupportedHeader),
        (#"{"crit":["exp"],"alg":"dir","enc":"A256GCM","kid":"a"}"#, .unsupportedHeader),
        (#"{"alg":"dir","enc":"A256GCM","kid":"a","typ":"JWT"}"#, .unsupportedHeader),
        (#"{"alg":"dir","enc":"A256GCM","kid":"a","epk":{}}"#, .unsupportedHeader),
        (#"{"alg":"A256KW","enc":"A256GCM","kid":"a"}"#, .unsupportedAlg),
        (#"{"alg":"none","enc":"A256GCM","kid":"a"}"#, .unsupportedAlg),
        (#"{"alg":"dir","enc":"A256CBC-HS512","kid":"a"}"#, .unsupportedEnc),
        (#"{"alg":"dir","enc":"A192GCM","kid":"a"}"#, .unsupportedEnc),
        (#"{"alg":"dir","enc":"A256GCM"}"#, .badJWE),
        (#"{"alg":"dir","kid":"a"}"#, .badJWE),
        (#"{"enc":"A256GCM","kid":"a"}"#, .badJWE),
        (#"{"alg":"dir","enc":"A256GCM","kid":""}"#, .badJWE),
        (#"{"alg":"dir","enc":"A256GCM","kid":1}"#, .badJWE),
        (#"{"alg":"dir","alg":"dir","enc":"A256GCM","kid":"a"}"#, .badJWE),
        (#"["dir"]"#, .badJWE),
        (#"{"alg":"dir""#, .badJWE),
        ("", .badJWE),
    ])
    func refusesEverythingElse(_ json: String, _ kind: JWEFailure.Kind) {
        #expect(throws: JWEFailure.self) { try parse(json).get() }
        if case .failure(let failure) = parse(json) { #expect(failure.kind == kind, "\(failure)") }
    }

    @Test func quotesUntrustedHeaderTextShortAndClean() throws {
        let name = String(repeating: "x", count: 100) + "\\u0001"  // a JSON escape: the name ends in U+0001
        guard case .failure(let failure) = parse(#"{"\#(name)":1,"alg":"dir","enc":"A256GCM","kid":"a"}"#) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.detail == "header member \"\(String(repeating: "x", count: 40))…\" is not supported (only alg, enc, kid)")
    }

    @Test func writesTheCanonicalHeaderText() {
        #expect(String(decoding: ProtectedHeader(enc: .a128gcm, kid: "wr-\"1").json, as: UTF8.self)
                == #"{"alg":"dir","enc":"A128GCM","kid":"wr-\"1"}"#)
    }
}
