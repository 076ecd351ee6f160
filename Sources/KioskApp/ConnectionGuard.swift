import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Bounds what slow and idle clients can hold, so that a few hundred sockets that never finish
/// their request (slowloris) cannot keep `/healthz` or a visitor's tap from being served:
/// - a connection must send its request head within `headTimeout` of opening, and the next one
///   within `keepAliveTimeout` of the last answer, or it is closed;
/// - at most `maxConnections` are open; one more closes the oldest connection that is still
///   waiting for its request head (a request being answered, an event stream, is never closed).
final class ConnectionGuard: Sendable {
    let maxConnections: Int
    let headTimeout: TimeAmount
    let keepAliveTimeout: TimeAmount

    private struct State {
        var next: UInt64 = 0
        var open = 0
        /// Connections waiting for a request head, by when they began to wait (ids grow).
        var waiting: [UInt64: any Channel] = [:]
    }
    private let state = Mutex(State())

    init(maxConnections: Int, headTimeout: TimeAmount = .seconds(10), keepAliveTimeout: TimeAmount = .seconds(60)) {
        self.maxConnections = maxConnections
        self.headTimeout = headTimeout
        self.keepAliveTimeout = keepAliveTimeout
    }

    /// The connection cap for this process's limit of open files: what the database, the
    /// printers, the reader and the log need is kept free.
    static func maxConnections(openFileLimit: Int) -> Int { max(32, openFileLimit - 128) }

    /// A handler for a new connection's pipeline.
    func handler() -> RequestHeadDeadline { RequestHeadDeadline(guard: self) }

    var openConnections: Int { state.withLock { $0.open } }

    fileprivate func opened(_ channel: any Channel) -> UInt64 {
        let (id, evicted) = state.withLock { state -> (UInt64, (any Channel)?) in
            state.next += 1
            state.open += 1
            state.waiting[state.next] = channel
            guard state.open > maxConnections, let oldest = state.waiting.keys.min() else { return (state.next, nil) }
            return (state.next, state.waiting.removeValue(forKey: oldest))
        }
        evicted?.close(promise: nil)
        return id
    }

    fileprivate func waiting(_ id: UInt64, _ channel: (any Channel)?) {
        state.withLock { state in
            if let channel { state.waiting[id] = channel } else { state.waiting[id] = nil }
        }
    }

    fileprivate func closed(_ id: UInt64) {
        state.withLock { state in
            state.open -= 1
            state.waiting[id] = nil
        }
    }
}

/// One connection's side of `ConnectionGuard`: a timer from opening (and from each answer's end)
/// until the next request head.
final class RequestHeadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let connections: ConnectionGuard
    private var id: UInt64?
    private var deadline: Scheduled<Void>?

    init(guard connections: ConnectionGuard) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        id = connections.opened(context.channel)
        arm(context, connections.headTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let id { connections.closed(id) }
        id = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            deadline?.cancel()
            deadline = nil
            if let id { connections.waiting(id, nil) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), let id {
            connections.waiting(id, context.channel)
            arm(context, connections.keepAliveTimeout)
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}
