import Foundation
import Testing
import WearCore

@Suite("CPU lists, topology and worker placement")
struct CPUTopologyTests {
    @Test(arguments: [
        ("0", [0]),
        ("0-3", [0, 1, 2, 3]),
        ("0-1,4-5\n", [0, 1, 4, 5]),
        ("8,0-2", [0, 1, 2, 8]),
        ("0-7:2/4", [0, 1, 4, 5]),
        ("\n", []),
        ("", []),
        (" 3 ", [3]),
    ])
    func parsesKernelCPUListsSorted(text: String, cpus: [Int]) {
        #expect(CPUList.parse(text) == cpus)
    }

    @Test(arguments: ["a", "1-", "-1", "3-1", "1,,2", "0-99999", "1-2-3", "0-7:4/2", "1,"])
    func rejectsTextThatIsNotACPUList(text: String) {
        #expect(CPUList.parse(text) == nil)
    }

    @Test func formatsRuns() {
        #expect(CPUList.format([8, 0, 1, 2, 3, 5]) == "0-3,5,8")
        #expect(CPUList.format([]) == "")
    }

    @Test func readsTwoNodesRestrictedToTheAllowedCPUs() throws {
        let root = try SysfsFixture(files: [
            "cpu/online": "0-7\n",
            "node/online": "0-2\n",
            "node/node0/cpulist": "0-3\n",
            "node/node1/cpulist": "4-7\n",
            "node/node2/cpulist": "\n", // memory only (CXL)
        ])
        let topology = CPUTopology.read(root: root.path, allowed: [1, 2, 3, 4, 5, 6, 7])
        #expect(topology.nodes == [.init(id: 0, cpus: [1, 2, 3]), .init(id: 1, cpus: [4, 5, 6, 7])])
        #expect(topology.cpus == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test func findsNodesByDirectoryWhenNodeOnlineIsMissing() throws {
        let root = try SysfsFixture(files: [
            "cpu/online": "0-3",
            "node/node1/cpulist": "2-3",
            "node/node0/cpulist": "0-1",
            "node/possible": "0-1",
            "node/nodes.txt": "not a node",
        ])
        let topology = CPUTopology.read(root: root.path, allowed: nil)
        #expect(topology.nodes == [.init(id: 0, cpus: [0, 1]), .init(id: 1, cpus: [2, 3])])
    }

    @Test func aMachineWithoutNodeFilesIsOneNodeOfItsOnlineCPUs() throws {
        let root = try SysfsFixture(files: ["cpu/online": "0-1\n"])
        #expect(CPUTopology.read(root: root.path, allowed: nil).nodes == [.init(id: 0, cpus: [0, 1])])
        let empty = try SysfsFixture(files: [:])
        #expect(CPUTopology.read(root: empty.path, allowed: [0, 1]).nodes == [.init(id: 0, cpus: [0, 1])])
        #expect(CPUTopology.read(root: empty.path, allowed: nil).nodes == [.init(id: 0, cpus: [0])])
    }

    @Test func garbledNodeFilesAreIgnoredAndTheirCPUsStillUsed() throws {
        let root = try SysfsFixture(files: [
            "cpu/online": "0-3",
            "node/online": "0-1",
            "node/node0/cpulist": "0-1",
            "node/node1/cpulist": "two and three",
        ])
        #expect(CPUTopology.read(root: root.path, allowed: nil).nodes == [.init(id: 0, cpus: [0, 1, 2, 3])])
    }

    @Test func readsThisMachine() {
        let topology = CPUTopology.read()
        #expect(!topology.nodes.isEmpty)
        #expect(Set(topology.cpus) == Set(WorkerThread.allowedCPUs()))
    }

    @Test func autoPlacementSpreadsWorkersOverNodesByTheirCPUs() {
        let topology = CPUTopology(nodeCPUs: [(0, [0, 1, 2, 3]), (1, [4, 5, 6, 7])], online: nil, allowed: nil)
        let four = WorkerPlacement(workers: 4, mode: .auto, topology: topology)
        #expect(four.slots.map(\.node) == [0, 0, 1, 1])
        #expect(four.slots[3].cpus == [4, 5, 6, 7])
        #expect(WorkerPlacement(workers: 3, mode: .auto, topology: topology).slots.map(\.node) == [0, 0, 1])
        #expect(WorkerPlacement(workers: 16, mode: .auto, topology: topology).slots.filter { $0.node == 1 }.count == 8)
        let uneven = CPUTopology(nodeCPUs: [(0, [0]), (1, [1, 2, 3])], online: nil, allowed: nil)
        #expect(WorkerPlacement(workers: 4, mode: .auto, topology: uneven).slots.map(\.node) == [0, 1, 1, 1])
        let off = WorkerPlacement(workers: 2, mode: .off, topology: topology)
        #expect(off.slots == [.init(node: nil, cpus: []), .init(node: nil, cpus: [])])
    }
}

/// A temporary directory laid out like /sys/devices/system, removed at deinit.
final class SysfsFixture {
    let path: String

    init(files: [String: String]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("wear-sysfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (relative, text) in files {
            let file = URL(fileURLWithPath: path).appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
