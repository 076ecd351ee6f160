import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The bundled programmes are the six of the assessment (shared/seeds/001, section 3.1.1): their
/// names as the documents give them, and each value either stated by the documents or marked as
/// the hub's own setting (no official figure exists in the documents for ages, periods or quotas).
@Suite("Programme data: what the documents state and what the hub sets")
struct ProgrammeSourceTests {
    func bundled() throws -> ReferenceData {
        try JSONDecoder().decode(
            ReferenceData.self,
            from: Data(contentsOf: Fixtures.kioskDirectory.appendingPathComponent("reference/reference-data.json")))
    }

    @Test("the six programmes of the assessment, every value accounted for by a document or as configured")
    func bundledProgrammes() throws {
        let data = try bundled()
        #expect(data.problems().isEmpty, "\(data.problems())")
        #expect(
            data.programmes.map(\.name.en) == [
                "Preparation for employment and skill development program", "Workplace support program",
                "Youth employment promotion program (YEPP)", "Disabled People's employment promotion program",
                "Herder's employment promotion program", "Senior expert's advisory service program",
            ])
        for programme in data.programmes {
            let source = try #require(programme.source, "\(programme.code) has no source")
            #expect(source.documents.allSatisfy { $0.contains("shared/seeds/001") || $0.contains("seeds/001") })
            // The documents give no age limit, period, unemployment length or quota: never "stated".
            for figure in ["rules.minAge", "rules.maxAge", "rules.minMonthsUnemployed", "starts", "ends", "quotas"] {
                #expect(!source.stated.contains(figure), "\(programme.code): \(figure)")
            }
            // Texts do not present a configured number as the programme's own.
            let texts = programme.targetGroups.en + programme.targetGroups.mn
            #expect(texts.allSatisfy { !$0.isNumber }, "\(programme.code)")
        }
        let byCode = Dictionary(uniqueKeysWithValues: data.programmes.map { ($0.code, $0) })
        #expect(byCode["disability"]?.rules.disability == true)
        #expect(byCode["disability"]?.source?.stated.contains("rules.disability") == true)
        #expect(byCode["herders"]?.rules.herder == true)
        #expect(byCode["herders"]?.source?.stated.contains("rules.herder") == true)
    }

    @Test("a value a source neither states nor marks as configured is a problem of the set")
    func unaccounted() throws {
        var data = try bundled()
        let index = try #require(data.programmes.firstIndex { $0.code == "herders" })
        data.programmes[index].rules.minMonthsUnemployed = 12
        #expect(data.problems() == ["programme herders: rules.minMonthsUnemployed is neither stated nor configured"])
        data.programmes[index].source?.configured.append("rules.minMonthsUnemployed")
        data.programmes[index].source?.stated.append("quotas")
        #expect(data.problems() == ["programme herders: quotas is both stated and configured"])
    }
}
