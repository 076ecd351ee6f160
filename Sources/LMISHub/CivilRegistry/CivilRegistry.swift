public import LMISProtocol

/// Where the hub asks who a registry number belongs to. The national civil registry is reached
/// through the state's XYP data exchange; its adapter (certificates, the agreed service calls)
/// belongs in a sibling file implementing this protocol, chosen by the `civil_registry` setting.
/// `SimulatedCivilRegistry` stands in for it in tests and demos.
public protocol CivilRegistry: Sendable {
    /// The person with this registry number, checked against the finger template when one is given.
    func check(registryNumber: String, template: [UInt8]?) async throws -> IdentityResponse
    /// Many numbers at once, one answer each in the order asked. An adapter whose registry
    /// takes one number a question keeps the default (the numbers in turn, four at a time).
    func check(registryNumbers: [String]) async throws -> [IdentityBatchResponse.Answer]
}

extension CivilRegistry {
    public func check(registryNumbers: [String]) async throws -> [IdentityBatchResponse.Answer] {
        var answers = [IdentityBatchResponse.Answer?](repeating: nil, count: registryNumbers.count)
        for start in stride(from: 0, to: registryNumbers.count, by: 4) {
            let part = Array(registryNumbers.indices[start..<min(start + 4, registryNumbers.count)])
            try await withThrowingTaskGroup(of: (Int, IdentityResponse).self) { group in
                for index in part {
                    group.addTask { (index, try await check(registryNumber: registryNumbers[index], template: nil)) }
                }
                for try await (index, answer) in group {
                    answers[index] = .init(
                        registryNumber: registryNumbers[index], result: answer.result, personID: answer.personID)
                }
            }
        }
        return answers.map { $0! }
    }
}
