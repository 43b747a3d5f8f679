import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import WearCore

/// `wear dashboard`'s options.
public struct DashboardOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Folders whose `*.prom` files are read at every sample (new files are picked up).
    public var metricsDirectories: [String] = []
    public var metricsFiles: [String] = []
    public var receipts: String?
    /// Seconds of history kept in memory and drawn.
    public var window: Double = 600
    /// Seconds between two readings of the files.
    public var sampleInterval: Double = 2
    /// Seconds after which the page reloads itself.
    public var refresh = 5

    public init() {}

    /// The files read now: the named ones and every `*.prom` in the folders, sorted, once each.
    public func paths() -> [String] {
        var paths = metricsFiles
        for folder in metricsDirectories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            paths += names.filter { $0.hasSuffix(".prom") }.sorted().map { (folder as NSString).appendingPathComponent($0) }
        }
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }
}

/// A read-only HTTP/1.1 server (SwiftNIO's NIOHTTP1: the parser is
/// llhttp's, not ours) of one page, `/`, drawn from the last minutes of
/// the stages' metrics files, which a sampler thread reads every
/// `sampleInterval`. `GET /` and `HEAD /` only: other paths are 404, other
/// methods 405. (Unchecked: its mutable state is a Mutex, an Atomic and a condition.)
public final class DashboardServer: @unchecked Sendable {
    private let options: DashboardOptions
    private let history: SharedHistory
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let stopping = Atomic<Bool>(false)
    private let sampler = NSCondition()

    /// The address the server listens on (the port chosen by the kernel for port 0).
    public let address: String

    /// Reads the files once, then binds `options.host:options.port`.
    public init(options: DashboardOptions, logger: Logger) throws(StageFailure) {
        self.options = options
        var first = DashboardHistory(window: options.window)
        first.add(PipelineSnapshot.read(options.paths(), at: Date().timeIntervalSince1970))
        let history = SharedHistory(first)
        self.history = history
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let page: @Sendable () -> String = {
            let view = history.current.view(posts: options.receipts.map { RecentPosts.read($0) } ?? [])
            return DashboardPage.render(view, refresh: options.refresh)
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(DashboardHandler(page: page))
                }
            }
        do {
            channel = try bootstrap.bind(host: options.host, port: options.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw StageFailure(status: .ioError, message: "cannot listen on \(options.host):\(options.port): \(error)")
        }
        self.group = group
        let port = channel.localAddress?.port ?? options.port
        address = options.host.contains(":") ? "[\(options.host)]:\(port)" : "\(options.host):\(port)"
        logger.debug("listening on \(address)")
    }

    /// Samples the files every `sampleInterval` until `stop()`, serving meanwhile; returns when stopped.
    public func run() {
        while !stopping.load(ordering: .relaxed) {
            sampler.lock()
            _ = sampler.wait(until: Date().addingTimeInterval(options.sampleInterval))
            sampler.unlock()
            if stopping.load(ordering: .relaxed) { break }
            let snapshot = PipelineSnapshot.read(options.paths(), at: Date().timeIntervalSince1970)
            history.add(snapshot)
        }
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Ends `run()` (from a signal handler's queue or another thread).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        sampler.lock()
        sampler.broadcast()
        sampler.unlock()
    }
}

/// The history, shared by the sampler thread and the event loop.
private final class SharedHistory: Sendable {
    private let mutex: Mutex<DashboardHistory>

    init(_ history: DashboardHistory) { mutex = Mutex(history) }

    var current: DashboardHistory { mutex.withLock { $0 } }

    func add(_ snapshot: PipelineSnapshot) { mutex.withLock { $0.add(snapshot) } }
}

/// One connection: answers each request with the page, 404 or 405.
private final class DashboardHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let page: @Sendable () -> String
    private var head: HTTPRequestHead?

    init(page: @escaping @Sendable () -> String) { self.page = page }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let (status, type, body): (HTTPResponseStatus, String, String)
        var headers = HTTPHeaders()
        if head.method != .GET && head.method != .HEAD {
            (status, type, body) = (.methodNotAllowed, "text/plain; charset=utf-8", "read-only: GET or HEAD\n")
            headers.add(name: "Allow", value: "GET, HEAD")
        } else if path == "/" || path == "/index.html" {
            (status, type, body) = (.ok, "text/html; charset=utf-8", page())
        } else {
            (status, type, body) = (.notFound, "text/plain; charset=utf-8", "not found: the dashboard is at /\n")
        }
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        if !keepAlive {
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }
}
