public import Hummingbird
public import NIOCore

/// The kiosk's request context: Hummingbird's, with the client's address, which throttling
/// counts per kiosk (and per phone).
public struct KioskRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
