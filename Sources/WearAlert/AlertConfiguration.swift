import WearCore

/// Everything wear-alert's incident half is configured with (its command
/// line, parsed and checked; template and key files already loaded).
public struct AlertConfiguration: Sendable {
    /// `--threshold`: a record with `score` at or above it is an anomaly.
    /// 0.9999 is wear-score's calibrated alert threshold (docs/wear-score.md).
    public var threshold = 0.9999
    /// `--quiet`: ms of event time without an anomaly that close an incident.
    public var quiet: Int64 = 600_000
    /// `--max-incidents`: open incidents held (least recently seen evicted).
    public var maxIncidents = 100_000
    /// `--budget`: posts per sliding window of wall time.
    public var budgetLimit = 17
    public var budgetWindow: Int64 = 86_400_000
    /// `--digest-interval`: wall time an incident waits in the queue before
    /// its digest (more incidents join it meanwhile).
    public var digestInterval: Int64 = 3_600_000
    public var categories = CategoryTable.standard
    public var incidentTemplate = PostTemplate.defaultIncident
    public var digestTemplate = PostTemplate.defaultDigest
    public var pseudonymKey: PseudonymKey
    /// Where the templates and the key came from, to reload them on SIGHUP.
    public var files = Files()

    public struct Files: Sendable, Equatable {
        public var template: String?
        public var digestTemplate: String?
        public var pseudonymKey: String?
        public var allowInsecureKeyFile = false
        public init() {}
    }

    public init(pseudonymKey: PseudonymKey) {
        self.pseudonymKey = pseudonymKey
    }

    /// Loads the files named in `files` (66 missing, 78 invalid: a bad
    /// template says FILE:LINE:COL). Without a key file the key is random,
    /// for this run only.
    public static func loading(_ files: Files) throws -> AlertConfiguration {
        let key = try files.pseudonymKey.map { path throws(StageFailure) in
            try PseudonymKey(contentsOf: path, allowInsecure: files.allowInsecureKeyFile)
        } ?? .ephemeral()
        var configuration = AlertConfiguration(pseudonymKey: key)
        configuration.files = files
        if let path = files.template { configuration.incidentTemplate = try PostTemplate(contentsOf: path, kind: .incident) }
        if let path = files.digestTemplate { configuration.digestTemplate = try PostTemplate(contentsOf: path, kind: .digest) }
        return configuration
    }
}

