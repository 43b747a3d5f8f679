import Glibc

/// The metrics every stage exports, whichever runner runs it.
enum RunnerMetrics {
    static func families(stage: String, version: String, startTime: Int, ledger: Ledger,
                         bytesWritten: Int, blankLines: Int) -> [MetricFamily] {
        let stageLabel = [(name: "stage", value: stage)]
        let rejected = ledger.rejectsByReason.sorted { $0.key < $1.key }.map { reason, count in
            MetricFamily.Sample(labels: stageLabel + [(name: "reason", value: reason.code)], value: Double(count))
        }
        return [
            MetricFamily(name: "wear_stage_info", help: "Stage binary and version (always 1).", kind: .gauge,
                         samples: [.init(labels: stageLabel + [(name: "version", value: version),
                                                                       (name: "commit", value: WearVersion.commit)], value: 1)]),
            MetricFamily(name: "wear_stage_start_time_seconds", help: "When the stage started, in seconds since the epoch.",
                         kind: .gauge, samples: [.init(labels: stageLabel, value: Double(startTime))]),
            MetricFamily(name: "wear_records_in_total", help: "Records read (non-blank input lines).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(ledger.recordsIn))]),
            MetricFamily(name: "wear_records_out_total", help: "Records emitted (for wear-alert: consumed).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(ledger.recordsOut))]),
            MetricFamily(name: "wear_records_rejected_total", help: "Records rejected, by reason.", kind: .counter,
                         samples: rejected),
            MetricFamily(name: "wear_input_bytes_total", help: "Bytes of records read (without newlines).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(ledger.bytesIn))]),
            MetricFamily(name: "wear_output_bytes_total", help: "Bytes written to standard output.", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(bytesWritten))]),
            MetricFamily(name: "wear_blank_lines_total", help: "Blank input lines skipped (not records).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(blankLines))]),
        ] + resourceFamilies(stageLabel: stageLabel)
    }

    /// CPU time and peak memory of the whole process (getrusage: every
    /// thread, shards included), so a pipeline's report and Prometheus can
    /// split CPU between stages and size hosts by peak RSS.
    static func resourceFamilies(stageLabel: [(name: String, value: String)]) -> [MetricFamily] {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return [] }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return [
            MetricFamily(name: "wear_cpu_seconds_total", help: "CPU time the process has used, by mode (user, system).",
                         kind: .counter,
                         samples: [.init(labels: stageLabel + [(name: "mode", value: "user")], value: seconds(usage.ru_utime)),
                                   .init(labels: stageLabel + [(name: "mode", value: "system")], value: seconds(usage.ru_stime))]),
            // ru_maxrss is in KiB on Linux.
            MetricFamily(name: "wear_resident_memory_max_bytes", help: "Peak resident memory of the process, in bytes.",
                         kind: .gauge, samples: [.init(labels: stageLabel, value: Double(usage.ru_maxrss) * 1024)]),
        ]
    }
}
