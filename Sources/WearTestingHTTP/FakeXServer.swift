import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import WearCore

/// Test support (never in a product): a fake X API on 127.0.0.1 with an ephemeral port: real HTTP/1.1 over a
/// real socket (SwiftNIO), each request answered by the next scripted
/// `Reply` (201 with a fresh id when the script is empty), every request
/// recorded (method, path, headers, body) for the test to check.
public final class FakeXServer: Sendable {
    public enum Reply: Sendable, Equatable {
        /// 201 `{"data":{"id":...,"text":...}}`; nil: the next serial id.
        case created(id: String? = nil)
        /// 429 with `x-rate-limit-reset` (epoch seconds) when given.
        case rateLimited(reset: Int64?)
        /// 503 `{"title":"Service Unavailable",...}`.
        case unavailable
        /// Never answers (the client's timeout must end it).
        case hang
        /// Takes the post (as `created`: counted in `accepted`) but never
        /// answers: a process killed mid-request, or an answer lost.
        case acceptAndHang
        /// Closes the connection without answering.
        case drop
        /// 403 with X's duplicate-content detail.
        case duplicate
        /// 401 `{"title":"Unauthorized","detail":"Unauthorized",...}`.
        case unauthorized
        /// 403 with another detail.
        case forbidden(detail: String)
        /// Any status and body.
        case status(Int, body: String)
    }

    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public var reply: Reply

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The `text` member of the JSON body.
        public var text: String? { (try? JSONDocument.parse(body, source: "request"))?["text"]?.stringValue }
    }

    /// The script and the record, shared with the connections' handlers.
    final class Core: Sendable {
        private struct State {
            var script: [Reply] = []
            var requests: [Request] = []
            var serial = 1_000
            var hung: [any Channel] = []
            var accepted: [String] = []
        }

        private let state = Mutex(State())
        let acceptsEachTextOnce: Bool

        init(acceptsEachTextOnce: Bool) { self.acceptsEachTextOnce = acceptsEachTextOnce }

        /// Records a request and picks its reply.
        func answer(method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8]) -> (Reply, String) {
            state.withLock { state in
                var reply = state.script.isEmpty ? .created() : state.script.removeFirst()
                let text = (try? JSONDocument.parse(body, source: "request"))?["text"]?.stringValue ?? ""
                var id = ""
                switch reply {
                case .created, .acceptAndHang:
                    if acceptsEachTextOnce, state.accepted.contains(text) {
                        reply = .duplicate
                    } else {
                        state.accepted.append(text)
                        state.serial += 1
                        if case .created(let given?) = reply { id = given } else { id = String(state.serial) }
                    }
                default:
                    break
                }
                state.requests.append(Request(method: method, uri: uri, headers: headers, body: body, reply: reply))
                return (reply, id)
            }
        }

        func keep(_ channel: any Channel) { state.withLock { $0.hung.append(channel) } }
        func script(_ replies: [Reply]) { state.withLock { $0.script.append(contentsOf: replies) } }
        var requests: [Request] { state.withLock { $0.requests } }
        var accepted: [String] { state.withLock { $0.accepted } }
        var hung: [any Channel] { state.withLock { $0.hung } }
    }

    private let group: MultiThreadedEventLoopGroup
    private let listener: any Channel
    private let core: Core
    public let port: Int

    /// Listens on 127.0.0.1, port chosen by the kernel. `acceptsEachTextOnce`:
    /// as X, a text already accepted gets the 403 duplicate-content answer
    /// instead of a `created` (so a test sees whether anything was posted twice).
    public init(acceptsEachTextOnce: Bool = false) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let core = Core(acceptsEachTextOnce: acceptsEachTextOnce)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeXHandler(core: core))
                }
            }
        do {
            listener = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.core = core
        port = listener.localAddress?.port ?? 0
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Replies for the next requests, in order (appended to what is left).
    public func script(_ replies: Reply...) { core.script(replies) }

    /// Every request so far, in arrival order.
    public var requests: [Request] { core.requests }

    /// The texts taken as new posts (created or accept-and-hang), in order.
    public var accepted: [String] { core.accepted }

    /// The texts posted so far, in order.
    public var texts: [String] { requests.compactMap(\.text) }

    public func shutdown() {
        for channel in core.hung { channel.close(promise: nil) }
        try? listener.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// One connection: collects a request, answers it as scripted.
private final class FakeXHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: FakeXServer.Core
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(core: FakeXServer.Core) { self.core = core }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let (reply, id) = core.answer(method: "\(head.method)", uri: head.uri,
                                          headers: head.headers.map { ($0.name, $0.value) }, body: body)
            respond(reply, id: id, text: (try? JSONDocument.parse(body, source: "request"))?["text"]?.stringValue ?? "",
                    context: context)
        }
    }

    private func respond(_ reply: FakeXServer.Reply, id: String, text: String, context: ChannelHandlerContext) {
        func problem(_ status: Int, _ title: String, _ detail: String) -> String {
            let object = JSONDocument.object()
            object.set("title", title)
            object.set("type", "about:blank")
            object.set("status", status)
            object.set("detail", detail)
            return object.dumped()
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        let status: Int
        let body: String
        switch reply {
        case .hang, .acceptAndHang:
            core.keep(context.channel)
            return
        case .drop:
            context.close(promise: nil)
            return
        case .created:
            let data = JSONDocument.object()
            data.set("id", id)
            data.set("text", text)
            let object = JSONDocument.object()
            object.set("data", data)
            (status, body) = (201, object.dumped())
        case .rateLimited(let reset):
            if let reset { headers.add(name: "x-rate-limit-reset", value: String(reset)) }
            headers.add(name: "x-rate-limit-remaining", value: "0")
            (status, body) = (429, problem(429, "Too Many Requests", "Too Many Requests"))
        case .unavailable:
            (status, body) = (503, problem(503, "Service Unavailable", "Service Unavailable"))
        case .duplicate:
            (status, body) = (403, problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."))
        case .unauthorized:
            (status, body) = (401, problem(401, "Unauthorized", "Unauthorized"))
        case .forbidden(let detail):
            (status, body) = (403, problem(403, "Forbidden", detail))
        case .status(let code, let text):
            (status, body) = (code, text)
        }
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        let responseHead = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
