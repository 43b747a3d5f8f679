import WearCore

extension DecryptStage {
    /// The key cache and key reloads, besides the runner's record counts.
    public func metrics() -> [MetricFamily] {
        let stage = [(name: "stage", value: Self.name)]
        func gauge(_ name: String, _ help: String, _ value: Int) -> MetricFamily {
            MetricFamily(name: name, help: help, kind: .gauge, samples: [.init(labels: stage, value: Double(value))])
        }
        func counter(_ name: String, _ help: String, _ value: Int) -> MetricFamily {
            MetricFamily(name: name, help: help, kind: .counter, samples: [.init(labels: stage, value: Double(value))])
        }
        let keys = decryptor.keys
        return [
            gauge("wear_decrypt_device_keys", "Device keys loaded from --keys.", keys.deviceKeys.count),
            gauge("wear_decrypt_master_key_loaded", "1 when a --master-key is loaded.", keys.master == nil ? 0 : 1),
            gauge("wear_decrypt_key_cache_entries", "Device headers with a ready AES-GCM context.", decryptor.cachedHeaders),
            gauge("wear_decrypt_key_cache_capacity", "The --key-cache-size bound.", decryptor.cacheCapacity),
            counter("wear_decrypt_key_cache_misses_total", "Tokens whose header had to be parsed and its key resolved.",
                    decryptor.cacheMisses),
            counter("wear_decrypt_key_cache_evictions_total", "Cached device headers dropped to stay within the bound.",
                    decryptor.cacheEvictions),
            MetricFamily(name: "wear_decrypt_key_reloads_total", help: "Key reloads on SIGHUP, by result.", kind: .counter,
                         samples: [.init(labels: stage + [(name: "result", value: "ok")], value: Double(reloads.succeeded)),
                                   .init(labels: stage + [(name: "result", value: "failed")], value: Double(reloads.failed))]),
        ]
    }
}
