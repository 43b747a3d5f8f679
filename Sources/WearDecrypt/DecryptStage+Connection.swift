import Glibc
import Logging
import WearCore

extension DecryptStage {
    /// The stage for one run. With `configuration.proxyProtocol`, first
    /// reads the PROXY protocol header from standard input (the connection)
    /// and refuses the connection if it is missing or malformed: a
    /// `StageFailure` with status 76 and one line saying what was wrong,
    /// before any record is read. Then loads the keys (errors 64, 66, 78),
    /// so a key rotated while the header was on its way is the one used.
    public static func forInput(configuration: DecryptConfiguration, logger: Logger) throws -> DecryptStage {
        guard configuration.proxyProtocol else { return try DecryptStage(configuration: configuration, logger: logger) }
        let header = try ProxyHeaderReader(fd: STDIN_FILENO, timeout: configuration.proxyHeaderTimeout).read()
        var stage = try DecryptStage(configuration: configuration, logger: logger)
        stage.setConnection(header)
        logger.info("\(Self.describe(header))")
        return stage
    }

    /// `PROXY v1 header: client 192.0.2.7:56324`, for the log.
    static func describe(_ header: ProxyHeader) -> String {
        let what: String
        switch header.command {
        case .proxy(let source, let destination): what = "client \(source), connected to \(destination)"
        case .local: what = "LOCAL (the proxy's own connection, no client address)"
        case .unknown: what = "client address unknown"
        }
        return "PROXY v\(header.version) header: \(what)"
    }
}
