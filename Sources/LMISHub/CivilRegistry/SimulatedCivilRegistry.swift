import Foundation
public import LMISProtocol
public import Logging
public import PostgresNIO

/// A civil registry backed by the hub's `simulated_civil_registry` table: for tests and demos
/// only, never for real people. Loaded through `PUT /admin/simulated-civil-registry`.
/// A template matches when it equals the stored one byte for byte (real matching arrives with
/// the fingerprint matcher); a person without a stored template is verified by number alone.
public struct SimulatedCivilRegistry: CivilRegistry {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func check(registryNumber: String, template: [UInt8]?) async throws -> IdentityResponse {
        let rows = try await client.query(
            """
            SELECT s.family_name, s.given_name, s.birth_date::text, s.sex, s.template, p.id::text
            FROM simulated_civil_registry s LEFT JOIN person p ON p.registry_number = s.registry_number
            WHERE s.registry_number = \(registryNumber)
            """, logger: logger)
        for try await (family, given, birth, sex, stored, personID) in rows.decode(
            (String, String, String, String, ByteBuffer?, String?).self)
        {
            let person = CivilPerson(
                registryNumber: registryNumber, familyName: family, givenName: given, birthDate: birth, sex: sex)
            if let template, let stored, Array(buffer: stored) != template {
                return IdentityResponse(result: .mismatch, person: nil, personID: nil)
            }
            return IdentityResponse(result: .verified, person: person, personID: personID)
        }
        return IdentityResponse(result: .notFound)
    }

    /// Many numbers in one query (templates are not asked in a batch).
    public func check(registryNumbers: [String]) async throws -> [IdentityBatchResponse.Answer] {
        var found: [String: String?] = [:]
        let rows = try await client.query(
            """
            SELECT s.registry_number, p.id::text
            FROM simulated_civil_registry s LEFT JOIN person p ON p.registry_number = s.registry_number
            WHERE s.registry_number = ANY(\(registryNumbers))
            """, logger: logger)
        for try await (number, personID) in rows.decode((String, String?).self) { found[number] = personID }
        return registryNumbers.map { number in
            guard let personID = found[number] else { return .init(registryNumber: number, result: .notFound) }
            return .init(registryNumber: number, result: .verified, personID: personID)
        }
    }
}
