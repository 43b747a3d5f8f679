import WearCore
/// Writes one telemetry record, as a device produces it, into a buffer:
/// `{"dev":"wr-000042","seq":1234,"ts":1763700000123,"fw":"2.4.1","hr":72,
/// "spo2":98,"temp":33.6,"acc":[0.01,-0.02,0.98],"gyro":[1.2,-0.4,0.1],
/// "bat":87,"rssi":-61,"steps":5012}` (a watch, about 170 bytes; bands
/// and patches send fewer fields), digit by digit.
public enum TelemetryFormatter {
    /// Appends the device id of fleet member `number` (1-based): `wr-000042`.
    @inline(__always)
    public static func appendDeviceID(_ number: Int, to buffer: ByteBuffer) {
        buffer.append("wr-")
        buffer.append(zeroPadded: number, width: 6)
    }

    /// The device id of fleet member `number` as a String.
    public static func deviceID(_ number: Int) -> String {
        let buffer = ByteBuffer(capacity: 16)
        appendDeviceID(number, to: buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// Appends a whole record with the fields a device of `kind` has.
    @inline(__always)
    public static func append(device: Int, seq: Int, ts: Int64, firmware: StaticString, kind: DeviceKind,
                              sample: Sample, to buffer: ByteBuffer) {
        buffer.append("{\"dev\":\"")
        appendDeviceID(device, to: buffer)
        buffer.append("\",\"seq\":")
        buffer.append(int: seq)
        buffer.append(",\"ts\":")
        buffer.append(int: Int(ts))
        buffer.append(",\"fw\":\"")
        buffer.append(firmware)
        buffer.append("\",\"hr\":")
        buffer.append(int: sample.hr)
        buffer.append(",\"spo2\":")
        buffer.append(int: sample.spo2)
        if kind.hasTemp {
            buffer.append(",\"temp\":")
            buffer.append(fixed: sample.temp, places: 1)
        }
        if kind.hasAcc {
            buffer.append(",\"acc\":[")
            appendVector(sample.acc, places: 2, to: buffer)
            buffer.append("]")
        }
        if kind.hasGyro {
            buffer.append(",\"gyro\":[")
            appendVector(sample.gyro, places: 1, to: buffer)
            buffer.append("]")
        }
        buffer.append(",\"bat\":")
        buffer.append(int: sample.bat)
        buffer.append(",\"rssi\":")
        buffer.append(int: sample.rssi)
        if kind.hasSteps {
            buffer.append(",\"steps\":")
            buffer.append(int: sample.steps)
        }
        buffer.append("}")
    }

    /// Grows the record that ends `buffer` to `total` bytes with a trailing
    /// `"pad"` member of filler drawn from `seed` (the oversize attack).
    public static func pad(to total: Int, seed: UInt64, buffer: ByteBuffer) {
        let member = 9 // ,"pad":""
        guard buffer.count > 0, total > buffer.count + member else { return }
        let filler = total - buffer.count - member
        buffer.truncate(to: buffer.count - 1)
        buffer.append(",\"pad\":\"")
        appendFiller(filler, seed: seed, to: buffer)
        buffer.append("\"}")
    }

    @inline(__always)
    private static func appendVector(_ v: SIMD3<Int>, places: Int, to buffer: ByteBuffer) {
        buffer.append(fixed: v.x, places: places)
        buffer.append(",")
        buffer.append(fixed: v.y, places: places)
        buffer.append(",")
        buffer.append(fixed: v.z, places: places)
    }

    /// Base64url-looking filler, deterministic for a seed.
    private static func appendFiller(_ count: Int, seed: UInt64, to buffer: ByteBuffer) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        var generator = SplitMix64(seed: seed)
        var remaining = count
        buffer.reserve(count)
        while remaining > 0 {
            var word = generator.next()
            for _ in 0..<min(10, remaining) {
                buffer.append(alphabet.utf8Start[Int(word & 63)])
                word >>= 6
                remaining -= 1
            }
        }
    }
}
