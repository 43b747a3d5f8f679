// libFuzzer target for wear-decrypt's token and envelope parsing (issue 4).
// Built only with WEAR_FUZZ=1 and --sanitize=fuzzer (see fuzz/Makefile.inc);
// libFuzzer supplies main. Every input goes through DecryptFuzzing, which
// tries it as a line, as a sealed plaintext and as a sealed header; a broken
// promise traps, and libFuzzer keeps the input that did it.
import WearDecryptFuzzing

nonisolated(unsafe) private var fuzzing = DecryptFuzzing()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = fuzzing.run(input)
    if !problems.isEmpty {
        fatalError("wear-decrypt broke a promise: \(problems.joined(separator: "; "))")
    }
    return 0
}
