// wear-shard-bench: the per-key counter stage (WearTesting) behind each
// runner, for bench/shard/run.sh and the sharded runner's process tests.
//
//   wear-shard-bench sync                          StageRunner, one thread
//   wear-shard-bench batch                         BatchStageRunner, one thread
//   wear-shard-bench sharded WORKERS [--ordered] [--numa auto|off]
//
// Reads stdin, writes stdout, logs the summary line on stderr.
import Glibc
import Logging
import WearCore
import WearTesting

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: wear-shard-bench sync | batch | sharded WORKERS [--ordered] [--numa auto|off]"
let logger = Logger(label: PerKeyCounterStage.name) { _ in StderrLogHandler(program: PerKeyCounterStage.name, level: .info) }
let options = RunnerOptions()

func fail(_ message: String) -> Never {
    let text = Array("wear-shard-bench: error: \(message)\n\(usage)\n".utf8)
    _ = text.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(64)
}

func runBatch<S: BatchStage>(_ stage: S) -> Int32 {
    do {
        var runner = try BatchStageRunner(stage: stage, options: options, logger: logger)
        return runner.run().rawValue
    } catch {
        logger.error("\(error.message)")
        return error.status.rawValue
    }
}

switch arguments.first {
case "sync":
    var runner = StageRunner(stage: PerKeyCounterStage(), options: options, logger: logger)
    exit(runner.run().rawValue)
case "batch":
    exit(runBatch(SynchronousBatchStage(PerKeyCounterStage())))
case "sharded":
    guard arguments.count >= 2, let workers = Int(arguments[1]), (1...256).contains(workers) else {
        fail("sharded needs a worker count from 1 to 256")
    }
    var sharding = ShardingOptions(key: "dev", workers: workers)
    var rest = arguments.dropFirst(2)
    while let option = rest.popFirst() {
        switch option {
        case "--ordered": sharding.ordered = true
        case "--numa":
            guard let value = rest.popFirst(), let mode = NUMAMode(rawValue: value) else { fail("--numa takes auto or off") }
            sharding.numa = mode
        default: fail("unknown option '\(option)'")
        }
    }
    exit(runBatch(ShardedStage(options: sharding) { _ in PerKeyCounterStage() }))
default:
    fail("choose a runner")
}
