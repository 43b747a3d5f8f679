import WearCore

extension DecryptStage {
    /// The two key caches and key reloads, besides the runner's record counts.
    public func metrics() -> [MetricFamily] {
        let stage = [(name: "stage", value: Self.name)]
        func gauge(_ name: String, _ help: String, _ value: Int) -> MetricFamily {
            MetricFamily(name: name, help: help, kind: .gauge, samples: [.init(labels: stage, value: Double(value))])
        }
        func counter(_ name: String, _ help: String, _ value: Int) -> MetricFamily {
            MetricFamily(name: name, help: help, kind: .counter, samples: [.init(labels: stage, value: Double(value))])
        }
        let keys = decryptor.keys
        let contexts = decryptor.contextCache, derived = decryptor.keyCache
        return [
            gauge("wear_decrypt_device_keys", "Device keys loaded from --keys.", keys.deviceKeys.count),
            gauge("wear_decrypt_master_key_loaded", "1 when a --master-key is loaded.", keys.master == nil ? 0 : 1),
            gauge("wear_decrypt_context_cache_entries", "Devices whose checked header and AES-GCM context are ready.",
                  contexts.count),
            gauge("wear_decrypt_context_cache_capacity", "The --context-cache-size bound.", contexts.capacity),
            counter("wear_decrypt_context_cache_hits_total", "Tokens whose header and context were ready.", contexts.hits),
            counter("wear_decrypt_context_cache_misses_total", "Tokens whose header had to be parsed and its key resolved.",
                    contexts.misses),
            counter("wear_decrypt_context_cache_evictions_total", "Contexts dropped (recycled) to stay within the bound.",
                    contexts.evictions),
            gauge("wear_decrypt_key_cache_entries", "Devices whose key derived from the master key is kept.", derived.count),
            gauge("wear_decrypt_key_cache_capacity", "The --key-cache-size bound.", derived.capacity),
            counter("wear_decrypt_key_cache_hits_total", "Context misses whose derived key was kept.", derived.hits),
            counter("wear_decrypt_key_cache_misses_total", "Context misses that ran HKDF.", derived.misses),
            counter("wear_decrypt_key_cache_evictions_total", "Derived keys dropped (wiped) to stay within the bound.",
                    derived.evictions),
            MetricFamily(name: "wear_decrypt_key_reloads_total", help: "Key reloads on SIGHUP, by result.", kind: .counter,
                         samples: [.init(labels: stage + [(name: "result", value: "ok")], value: Double(reloads.succeeded)),
                                   .init(labels: stage + [(name: "result", value: "failed")], value: Double(reloads.failed))]),
        ]
    }
}
