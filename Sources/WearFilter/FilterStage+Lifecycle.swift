import WearCore

extension FilterStage {
    /// SIGHUP: re-reads the rules file. A file that does not load keeps the
    /// old rules (the runtime logs the error, with its FILE:LINE:COL); rules
    /// whose name and expression are unchanged keep their per-key state.
    public mutating func reload() throws {
        guard let rulesPath else { return }
        do {
            let fresh = try RuleSet(contentsOf: rulesPath, maxKeys: maxKeys)
            fresh.adoptState(from: rules)
            retire(rules)
            rules = fresh
            reloads.succeeded += 1
            logger?.info("reloaded \(fresh.rules.count) rules from \(rulesPath)")
        } catch {
            reloads.failed += 1
            throw error
        }
    }

    /// Moves a rule set's hit counts into the totals that outlive it.
    private mutating func retire(_ old: RuleSet) {
        for (index, rule) in old.rules.enumerated() {
            retiredHits[RuleCounterKey(rule: rule.name, action: rule.action), default: 0] += old.hits[index]
        }
        retiredEvictions += old.evictions
    }

    public func metrics() -> [MetricFamily] {
        let stage = [(name: "stage", value: Self.name)]
        var hits = retiredHits
        for (index, rule) in rules.rules.enumerated() {
            hits[RuleCounterKey(rule: rule.name, action: rule.action), default: 0] += rules.hits[index]
        }
        let ordered = hits.sorted { ($0.key.rule, $0.key.action.rawValue) < ($1.key.rule, $1.key.action.rawValue) }
        return [
            MetricFamily(name: "wear_filter_rule_matches_total",
                         help: "Records each rule acted on: drop and tag rules that matched, keep rules that did not.",
                         kind: .counter,
                         samples: ordered.map { .init(labels: stage + [(name: "rule", value: $0.key.rule), (name: "action", value: $0.key.action.rawValue)], value: Double($0.value)) }),
            MetricFamily(name: "wear_filter_rules", help: "Rules loaded.", kind: .gauge,
                         samples: [.init(labels: stage, value: Double(rules.rules.count))]),
            MetricFamily(name: "wear_filter_keys", help: "Keys (devices) with per-key rule state.", kind: .gauge,
                         samples: [.init(labels: stage, value: Double(rules.keysTracked))]),
            MetricFamily(name: "wear_filter_key_evictions_total", help: "Keys whose state was evicted to stay within --max-keys.",
                         kind: .counter, samples: [.init(labels: stage, value: Double(retiredEvictions + rules.evictions))]),
            MetricFamily(name: "wear_filter_reloads_total", help: "Rules reloads on SIGHUP, by result.", kind: .counter,
                         samples: [.init(labels: stage + [(name: "result", value: "ok")], value: Double(reloads.succeeded)),
                                   .init(labels: stage + [(name: "result", value: "failed")], value: Double(reloads.failed))]),
        ]
    }
}
