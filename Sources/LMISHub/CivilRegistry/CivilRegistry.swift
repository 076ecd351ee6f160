public import LMISProtocol

/// Where the hub asks who a registry number belongs to. The national civil registry is reached
/// through the state's XYP data exchange; its adapter (certificates, the agreed service calls)
/// belongs in a sibling file implementing this protocol, chosen by the `civil_registry` setting.
/// `SimulatedCivilRegistry` stands in for it in tests and demos.
public protocol CivilRegistry: Sendable {
    /// The person with this registry number, checked against the finger template when one is given.
    func check(registryNumber: String, template: [UInt8]?) async throws -> IdentityResponse
}
