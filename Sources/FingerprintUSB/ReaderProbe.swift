/// A supported reader on the USB bus, and whether this process can use it: the one probe
/// behind `kiosk doctor` and `kiosk fingerprint list`.
public struct ReaderProbe: Sendable {
    public enum State: Sendable, Equatable {
        /// Opened and claimed (and, when asked, the sensor answered its driver).
        case ready
        /// Another program holds it (the kiosk service).
        case busy
        /// Its device node may not be opened: the udev rule or the group.
        case noAccess
        case openFailed(String)
        case claimFailed(String)
        /// Claimed, but the sensor did not answer its driver's first commands.
        case notAnswering(String)
    }

    public let info: USBDeviceInfo
    public let model: SensorModel
    public let state: State

    /// Opens and claims each supported reader in turn (at most `limit`), with `handshake` also
    /// brings its sensor up, then releases it.
    public static func scan(handshake: Bool = false, limit: Int = .max) throws(USBError) -> [ReaderProbe] {
        let context = try USBContext()
        return try context.supportedReaders().prefix(limit).map { info, model in
            ReaderProbe(info: info, model: model, state: state(info, model, context: context, handshake: handshake))
        }
    }

    private static func state(_ info: USBDeviceInfo, _ model: SensorModel, context: USBContext, handshake: Bool)
        -> State
    {
        let handle: USBDeviceHandle
        do {
            handle = try context.open(info)
        } catch {
            return error.code == .access ? .noAccess : .openFailed("\(error)")
        }
        defer { handle.close() }
        do {
            try handle.claim(interface: 0)
        } catch {
            return error.code == .busy ? .busy : .claimFailed("\(error)")
        }
        guard handshake else { return .ready }
        let driver = model.driver(for: handle)
        defer { driver.close() }
        do {
            try driver.open()
        } catch {
            return .notAnswering("\(error)")
        }
        return .ready
    }
}
