import WearJOSE

extension Simulator {
    /// Refuses keys that cannot seal the fleet with `config.enc`: derived keys
    /// are 32 bytes (A256GCM only); a keys.json must hold, for every fleet
    /// member, a key of the length `enc` needs.
    static func check(_ keys: SimKeys, config: SimConfig) throws(SimConfigError) {
        let make = "make one with `wear keys new --enc \(config.enc.rawValue) --fleet \(config.devices) --out keys.json`"
        switch keys {
        case .master:
            guard config.enc.keyByteCount == MasterKey.byteCount else {
                throw SimConfigError("--enc \(config.enc.rawValue) needs explicit \(config.enc.keyByteCount)-byte keys: keys "
                                     + "derived from --master-key are 32 bytes and seal only A256GCM; pass --keys FILE (\(make))")
            }
        case .table(let table):
            for number in 1...max(config.devices, 1) {
                let device = TelemetryFormatter.deviceID(number)
                guard let key = table[device] else {
                    throw SimConfigError("--keys has no key for \(device) (the fleet is wr-000001 ... "
                                         + "\(TelemetryFormatter.deviceID(config.devices))); \(make)")
                }
                guard key.fits(config.enc) else {
                    throw SimConfigError("the key of \(device) in --keys is \(key.byteCount) bytes; --enc "
                                         + "\(config.enc.rawValue) needs \(config.enc.keyByteCount); \(make)")
                }
            }
        }
    }
}
