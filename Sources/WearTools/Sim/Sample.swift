/// The sensor values of one record, in the fixed-point units it is written
/// in: what attacks overwrite and what the formatter prints.
public struct Sample: Equatable, Sendable {
    /// Heart rate, bpm.
    public var hr: Int
    /// SpO2, %.
    public var spo2: Int
    /// Skin temperature, tenths of °C (336 is 33.6).
    public var temp: Int
    /// Acceleration, hundredths of g (x, y, z).
    public var acc: SIMD3<Int>
    /// Angular rate, tenths of °/s.
    public var gyro: SIMD3<Int>
    /// Battery, %.
    public var bat: Int
    /// Signal strength, dBm.
    public var rssi: Int
    /// Steps counted today.
    public var steps: Int

    public init(hr: Int, spo2: Int, temp: Int, acc: SIMD3<Int>, gyro: SIMD3<Int>, bat: Int, rssi: Int, steps: Int) {
        self.hr = hr
        self.spo2 = spo2
        self.temp = temp
        self.acc = acc
        self.gyro = gyro
        self.bat = bat
        self.rssi = rssi
        self.steps = steps
    }

    /// Acceleration magnitude, g.
    public var accMagnitude: Double {
        let g = SIMD3<Double>(Double(acc.x), Double(acc.y), Double(acc.z)) / 100
        return (g * g).sum().squareRoot()
    }
}
