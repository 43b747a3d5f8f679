/// What a PROXY protocol header (haproxy's proxy-protocol.txt, versions 1
/// and 2) says about the connection it starts: who the proxy's client was.
///
/// nginx (`proxy_protocol on` in a stream server) writes a version 1 header
/// on every connection it opens to the ingest socket, before any data; the
/// socket's own peer is nginx, so this header is the only place the
/// device's address appears.
public struct ProxyHeader: Equatable, Sendable {
    /// 1 (text) or 2 (binary).
    public let version: Int
    public let command: Command

    public enum Command: Equatable, Sendable {
        /// The proxy relays a client: its address and the address it connected to.
        case proxy(source: ProxyAddress, destination: ProxyAddress)
        /// The proxy speaks for itself (v2 LOCAL: health checks): no client address.
        case local
        /// The proxy relays a client whose address it does not say
        /// (v1 `PROXY UNKNOWN`, v2 PROXY with family AF_UNSPEC).
        case unknown
    }

    public init(version: Int, command: Command) {
        self.version = version
        self.command = command
    }

    /// The client's address, when the header names one.
    public var source: ProxyAddress? {
        if case .proxy(let source, _) = command { return source }
        return nil
    }
}

/// One end of a relayed connection, as the header gives it.
public struct ProxyAddress: Equatable, Sendable, CustomStringConvertible {
    public enum Family: String, Equatable, Sendable {
        case tcp4 = "TCP4"
        case tcp6 = "TCP6"
        /// v2 only: AF_UNIX, SOCK_STREAM.
        case unix = "UNIX"
    }

    public let family: Family
    /// The address in its canonical text form (`inet_ntop`: `192.0.2.7`,
    /// `2001:db8::1`), or the socket path for `.unix` (an abstract one as `@name`).
    public let host: String
    /// The TCP port; nil for `.unix`.
    public let port: Int?

    public init(family: Family, host: String, port: Int?) {
        self.family = family
        self.host = host
        self.port = port
    }

    public var description: String {
        switch family {
        case .tcp4: "\(host):\(port ?? 0)"
        case .tcp6: "[\(host)]:\(port ?? 0)"
        case .unix: "unix:\(host)"
        }
    }
}
