/// Which CPUs belong to which NUMA node, restricted to the CPUs this
/// process may run on: what `--numa auto` places workers by.
public struct CPUTopology: Sendable, Equatable {
    /// One NUMA node with at least one usable CPU.
    public struct Node: Sendable, Equatable {
        public let id: Int
        /// Usable CPUs of the node, sorted.
        public let cpus: [Int]

        public init(id: Int, cpus: [Int]) {
            self.id = id
            self.cpus = cpus
        }
    }

    /// Nodes in increasing id order; never empty, no CPU in two nodes.
    public let nodes: [Node]

    /// Every usable CPU, node by node.
    public var cpus: [Int] { nodes.flatMap(\.cpus) }

    /// Builds a topology from what the kernel reports.
    ///
    /// - `nodeCPUs`: each node's CPU list (nodes without CPUs, memory-only
    ///   or CXL, may appear with an empty list);
    /// - `online`: the online CPUs, if known;
    /// - `allowed`: the CPUs this process may use (sched_getaffinity), if known.
    ///
    /// Usable CPUs are online ∩ allowed. A usable CPU the node files do
    /// not mention joins the first node; with no node information at all
    /// (a kernel without NUMA, a container without /sys) every usable CPU is
    /// one node 0. A CPU listed by two nodes counts in the first.
    public init(nodeCPUs: [(node: Int, cpus: [Int])], online: [Int]?, allowed: [Int]?) {
        var usable = Set(online ?? allowed ?? nodeCPUs.flatMap(\.cpus))
        if let allowed { usable.formIntersection(allowed) }
        var placed = Set<Int>()
        var nodes: [Node] = []
        for entry in nodeCPUs.sorted(by: { $0.node < $1.node }) {
            let cpus = entry.cpus.filter { usable.contains($0) && !placed.contains($0) }.sorted()
            guard !cpus.isEmpty else { continue }
            placed.formUnion(cpus)
            nodes.append(Node(id: entry.node, cpus: cpus))
        }
        let unplaced = usable.subtracting(placed).sorted()
        if nodes.isEmpty {
            nodes = [Node(id: 0, cpus: unplaced.isEmpty ? [0] : unplaced)]
        } else if !unplaced.isEmpty {
            nodes[0] = Node(id: nodes[0].id, cpus: (nodes[0].cpus + unplaced).sorted())
        }
        self.nodes = nodes
    }

    /// Reads the topology of this machine from sysfs (`root`, normally
    /// /sys/devices/system) and the calling thread's allowed CPUs. Never
    /// fails: missing or garbled files mean "no NUMA information".
    public static func read(root: String = "/sys/devices/system",
                            allowed: [Int]? = WorkerThread.allowedCPUs()) -> CPUTopology {
        let tree = SysfsTree(root: root)
        let online = tree.text("cpu/online").flatMap { CPUList.parse($0) }
        var nodeIDs = tree.text("node/online").flatMap { CPUList.parse($0) }
        if nodeIDs == nil {
            nodeIDs = tree.entries("node").compactMap(nodeNumber).sorted()
        }
        let nodes = (nodeIDs ?? []).compactMap { id -> (node: Int, cpus: [Int])? in
            guard let text = tree.text("node/node\(id)/cpulist"), let cpus = CPUList.parse(text) else { return nil }
            return (id, cpus)
        }
        return CPUTopology(nodeCPUs: nodes, online: online, allowed: allowed.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// 3 for "node3"; nil for other names.
    static func nodeNumber(_ name: String) -> Int? {
        guard name.hasPrefix("node") else { return nil }
        let digits = name.dropFirst(4)
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
