import Glibc
import WearCore
import WearAlert
import WearJOSE

/// `wear eval`: loads the labels and whichever pipeline outputs are given,
/// and builds the report.
public struct EvalRunner {
    public var labelsPath: String
    /// Rejects files of any stage (each reject's "stage" routes it).
    public var rejects: [String] = []
    /// Rejects files of wear-decrypt and wear-filter: as `rejects`, and the
    /// stage counts as given even when its file is empty.
    public var decryptRejects: [String] = []
    public var filterRejects: [String] = []
    public var scored: [String] = []
    public var receipts: [String] = []
    public var threshold = 0.8
    public var pseudonymKeyPath: String?

    public init(labelsPath: String) {
        self.labelsPath = labelsPath
    }

    public func run() throws(StageFailure) -> EvalReport {
        let labels = try Self.loadLabels(path: labelsPath)
        let attribution = try pseudonymKeyPath.map { path throws(StageFailure) in AlertAttribution(key: try Self.loadKey(path)) }
        let evaluator = Evaluator(labels: labels, threshold: threshold, attribution: attribution)
        var files = FileSet(labels: labelsPath)
        let scored = files.admit(self.scored, as: "--scored")
        let rejects = files.admit(self.rejects, as: "--rejects")
        let decryptRejects = files.admit(self.decryptRejects, as: "--decrypt-rejects")
        let filterRejects = files.admit(self.filterRejects, as: "--filter-rejects")
        let receipts = files.admit(self.receipts, as: "--receipts")
        for path in scored {
            try NDJSONFile.forEachLine(path: path) { evaluator.addScored($0) }
            evaluator.given(.filterTag)
        }
        for path in rejects + decryptRejects + filterRejects {
            try NDJSONFile.forEachLine(path: path) { evaluator.addReject($0) }
        }
        if !decryptRejects.isEmpty { evaluator.given(.decrypt) }
        if !filterRejects.isEmpty { evaluator.given(.filterDrop) }
        for path in receipts {
            try NDJSONFile.forEachLine(path: path) { evaluator.addReceipt($0) }
            evaluator.given(.alert)
        }
        var report = evaluator.report()
        report.warnings = files.warnings + report.warnings
        return report
    }

    /// Reads a labels file; a bad line is an error with file:line.
    public static func loadLabels(path: String) throws(StageFailure) -> [AttackLabel] {
        var labels: [AttackLabel] = []
        var number = 0
        try NDJSONFile.forEachLine(path: path) { line throws(StageFailure) in
            number += 1
            do {
                let document = try JSONDocument.parse(line, source: path)
                labels.append(try AttackLabel(document: document))
            } catch let error as LabelError {
                throw ConfigError(file: path, line: number, column: 1, message: error.message).failure
            } catch {
                throw ConfigError(file: path, line: number, column: 1, message: "not a JSON label: \(error)").failure
            }
        }
        return labels
    }

    /// The pseudonym key: the file's text as hex or base64 when it decodes
    /// as such, else its bytes without surrounding whitespace.
    static func loadKey(_ path: String) throws(StageFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        try NDJSONFile.forEachLine(path: path) { bytes += $0 }
        // wear-alert's reading of the file (WearAlert owns the format).
        guard let key = PseudonymKey.keyBytes(fileContents: bytes) else {
            throw StageFailure(status: .config, message: "pseudonym key file \(path) is empty")
        }
        return key
    }
}

/// The files of one evaluation, each counted once: the same file given
/// twice (two names, or a link) would double its catches.
struct FileSet {
    private var seen: [FileID: String] = [:]
    private(set) var warnings: [String] = []

    private struct FileID: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    init(labels: String) {
        if let id = Self.id(labels) { seen[id] = "--labels" }
    }

    /// `paths` without the files already given; each duplicate is a warning.
    mutating func admit(_ paths: [String], as option: String) -> [String] {
        paths.filter { path in
            guard let id = Self.id(path) else { return true } // missing or stdin: reading it reports
            if let first = seen[id] {
                warnings.append("\(path) given twice (as \(first) and \(option)): counted once")
                return false
            }
            seen[id] = option
            return true
        }
    }

    private static func id(_ path: String) -> FileID? {
        var info = stat()
        guard path != "-", stat(path, &info) == 0 else { return nil }
        return FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
