import ArgumentParser

/// Where device keys come from, for every command that opens or seals
/// envelopes (wear-decrypt, wear seal); each command says which
/// combinations it accepts in its `validate()`.
public struct KeyFileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Device keys: a JSON object, device id -> base64url key (16 or 32 bytes).", valueName: "file"))
    public var keys: String?

    @Option(name: .long, help: ArgumentHelp("The fleet's master key (32 bytes as hex or base64 text, from `wear keys new`); device keys are derived from it.", valueName: "file"))
    public var masterKey: String?

    @Flag(name: .long, help: "Accept key files that group or others may read or write.")
    public var allowInsecureKeyFile = false

    public init() {}
}
