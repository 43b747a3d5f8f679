import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import WearAlert
import WearCore

/// The X sink: `POST <api base>/2/tweets` with `{"text": ...}`
/// (Content-Type application/json) through AsyncHTTPClient, signed with
/// OAuth 1.0a (the JSON body is not in the base string) or sent with a
/// bearer token; redirects are not followed (the Authorization header never
/// goes anywhere but the API base). Plain http is allowed for a loopback
/// host only (the tests' fake X API). Its event loop thread is born with
/// SIGTERM, SIGINT and SIGHUP blocked, as every worker thread of a stage.
public final class XClient: XPosting {
    /// The URL posted to.
    public let endpoint: String
    private let credentials: XCredentials
    private let group: MultiThreadedEventLoopGroup
    private let http: HTTPClient
    private let inFlight = Mutex<HTTPClient.Task<HTTPClient.Response>?>(nil)

    /// X's API base (`--x-api-base`'s default).
    public static let defaultAPIBase = "https://api.x.com"
    /// The largest answer read; X's are a few hundred bytes.
    static let maxResponseBytes = 1 << 20

    public init(apiBase: String = XClient.defaultAPIBase, credentials: XCredentials,
                connectTimeout: Duration = .seconds(10)) throws(StageFailure) {
        endpoint = try Self.endpoint(apiBase)
        self.credentials = credentials
        group = try Self.makeEventLoopGroup()
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(connectTimeout.nanoseconds)),
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        http = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }

    /// Closes connections and stops the event loop (blocking; not on it).
    public func shutdown() {
        try? http.syncShutdown()
        try? group.syncShutdownGracefully()
    }

    public func post(_ text: String, timeout: Duration) -> XPostOutcome {
        let request: HTTPClient.Request
        do {
            request = try makeRequest(text)
        } catch {
            return .rejected(status: 0, message: "cannot build the request to \(endpoint): \(error)")
        }
        let task = http.execute(request: request,
                                delegate: ResponseAccumulator(request: request, maxBodySize: Self.maxResponseBytes),
                                deadline: .now() + .nanoseconds(max(timeout, .milliseconds(1)).nanoseconds))
        inFlight.withLock { $0 = task }
        defer { inFlight.withLock { $0 = nil } }
        do {
            let response = try task.futureResult.wait()
            let body = response.body.map { Array($0.readableBytesView) } ?? []
            return XPostOutcome.classify(status: Int(response.status.code),
                                         header: { response.headers.first(name: $0) }, body: body)
        } catch {
            return .transient(message: Self.describe(error, timeout: timeout, authority: authority))
        }
    }

    public func cancel() {
        inFlight.withLock { $0?.cancel() }
    }

    /// The signed (or bearer) request; the body is `{"text":...}`.
    func makeRequest(_ text: String) throws -> HTTPClient.Request {
        let document = JSONDocument.object()
        document.set("text", text)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: "wear-alert")
        switch credentials {
        case .oauth1(let oauth):
            headers.add(name: "Authorization", value: try OAuth1.sign(method: "POST", url: endpoint, credentials: oauth).authorizationHeader)
        case .bearer(let token):
            headers.add(name: "Authorization", value: "Bearer " + token.rawValue)
        }
        return try HTTPClient.Request(url: endpoint, method: .POST, headers: headers, body: .bytes(document.dumpedBytes()))
    }

    /// `<base>/2/tweets`; refuses what is not http(s), and plain http off loopback.
    static func endpoint(_ apiBase: String) throws(StageFailure) -> String {
        let lower = apiBase.lowercased()
        let refuse = { (why: String) in StageFailure(status: .usage, message: "--x-api-base \(apiBase): \(why)") }
        if lower.hasPrefix("http://") {
            let host = lower.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" }
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.prefix { $0 != ":" })
            guard ["127.0.0.1", "localhost", "[::1]"].contains(name) else {
                throw refuse("plain http sends the credentials in the clear; use https (http is allowed for 127.0.0.1, localhost and [::1] only)")
            }
        } else if !lower.hasPrefix("https://") {
            throw refuse("expected an https:// URL such as \(defaultAPIBase)")
        }
        var base = apiBase
        let schemeLength = lower.hasPrefix("https://") ? 8 : 7
        while base.count > schemeLength, base.hasSuffix("/") { base.removeLast() }
        guard base.dropFirst(schemeLength).first.map({ $0 != "/" }) == true else { throw refuse("no host") }
        guard !base.contains("?"), !base.contains("#"), !base.contains("@") else {
            throw refuse("expected scheme, host, optional port and path only (no query, fragment or user info)")
        }
        return base + "/2/tweets"
    }

    /// `host:port` of the endpoint, for messages.
    private var authority: String {
        let rest = endpoint.drop { $0 != "/" }.dropFirst(2)
        return String(rest.prefix { $0 != "/" })
    }

    /// One line for a failed exchange: what happened, never the request.
    static func describe(_ error: any Error, timeout: Duration? = nil, authority: String = "X") -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return "no answer within \(timeout.map { "\($0)" } ?? "the timeout")"
            case .connectTimeout: return "connecting timed out"
            case .remoteConnectionClosed: return "the connection closed before an answer"
            case .cancelled: return "cancelled (the drain ran out of time)"
            default: return "HTTP client: \(error)"
            }
        }
        if let error = error as? NIOConnectionError {
            return "cannot connect to \(error.host):\(error.port)" + (error.connectionErrors.first.map { ": \($0.error)" } ?? "")
        }
        return "cannot connect to \(authority): " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A one-thread event loop group whose thread has the stage's signals blocked
    /// (threads inherit their creator's mask: it is created on such a thread).
    private static func makeEventLoopGroup() throws(StageFailure) -> MultiThreadedEventLoopGroup {
        let made = Mutex<MultiThreadedEventLoopGroup?>(nil)
        do {
            let thread = try WorkerThread { made.withLock { $0 = MultiThreadedEventLoopGroup(numberOfThreads: 1) } }
            thread.join()
        } catch {
            throw StageFailure(status: .ioError, message: "cannot start the X client's thread: \(error)")
        }
        guard let group = made.withLock({ $0 }) else {
            throw StageFailure(status: .software, message: "the X client's event loop did not start")
        }
        return group
    }
}
