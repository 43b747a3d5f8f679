/// `--numa`: whether workers are pinned to the CPUs of a NUMA node.
public enum NUMAMode: String, Sendable, CaseIterable {
    /// Each worker pinned to one node's CPUs, workers spread over nodes in
    /// proportion to their CPUs; each first-touches its own shard there.
    case auto
    /// No pinning: the scheduler places the workers.
    case off
}

/// Where each worker of a sharded runner runs: its NUMA node and the CPUs it
/// is pinned to (empty: not pinned).
public struct WorkerPlacement: Sendable, Equatable {
    public struct Slot: Sendable, Equatable {
        /// The node the worker's shard lives on (nil when not pinned).
        public let node: Int?
        public let cpus: [Int]

        public init(node: Int?, cpus: [Int]) {
            self.node = node
            self.cpus = cpus
        }
    }

    public let slots: [Slot]

    /// Places `workers` workers. With `.auto`, worker i goes to the node
    /// holding the CPU at position i × cpus / workers of the node-ordered
    /// CPU list, so nodes get workers in proportion to their CPUs (2 nodes
    /// of 8 CPUs and 4 workers: 2 and 2; 16 workers: 8 and 8), and is
    /// pinned to all of that node's CPUs (the scheduler balances within the
    /// node; memory stays local).
    public init(workers: Int, mode: NUMAMode, topology: CPUTopology) {
        precondition(workers > 0, "a sharded runner needs at least one worker")
        switch mode {
        case .off:
            slots = Array(repeating: Slot(node: nil, cpus: []), count: workers)
        case .auto:
            let owners = topology.nodes.flatMap { node in node.cpus.map { _ in node } }
            slots = (0..<workers).map { index in
                let node = owners[index * owners.count / workers]
                return Slot(node: node.id, cpus: node.cpus)
            }
        }
    }
}
