import KioskCore
import KioskTestSupport
import Testing

@Suite("Bundled reference data and the occupation picker")
struct ReferenceCatalogTests {
    let catalog: ReferenceCatalog

    init() throws {
        catalog = ReferenceCatalog(try Fixtures.bundledReferenceData())
    }

    @Test func bundledDataIsConsistent() {
        #expect(catalog.data.problems().isEmpty)
    }

    @Test func hasEveryAimagAndUlaanbaatarDistrict() {
        let top = catalog.topLevelUnits
        #expect(top.filter { $0.kind == .aimag }.count == 21)
        #expect(top.filter { $0.kind == .district }.count == 9)
        #expect(top.allSatisfy { $0.timeZone == "Asia/Ulaanbaatar" || $0.timeZone == "Asia/Hovd" })
        #expect(catalog.adminUnit("MN-043")?.timeZone == "Asia/Hovd")
    }

    @Test func demoOfficeHasItsKhoroos() {
        let khoroos = catalog.children(of: "UB-SB")
        #expect(khoroos.count == 20)
        #expect(khoroos.allSatisfy { $0.kind == .khoroo && $0.parentCode == "UB-SB" })
    }

    @Test func hasIscoMajorAndSubMajorGroupsInBothLanguages() {
        let occupations = catalog.data.occupations
        #expect(occupations.filter(\.isMajorGroup).count == 10)
        #expect(occupations.filter { $0.code.count == 2 }.count == 43)
        #expect(occupations.allSatisfy { !$0.name.mn.isEmpty && !$0.name.en.isEmpty })
    }

    @Test func educationLevelsAreOrdered() {
        let ranks = catalog.educationLevels.map(\.rank)
        #expect(ranks == ranks.sorted())
        #expect(catalog.educationLevel("bachelor") != nil)
    }

    @Test(arguments: [
        ("жол", "83"),  // Жолооч (Drivers) from three Mongolian letters
        ("ЖОЛ", "83"),  // upper case
        ("driv", "83"),  // English prefix
        ("эрүүл", "22"),  // Эрүүл мэндийн мэргэжилтэн, with Ү
        ("ЭРҮҮЛ", "22"),
        ("хөдөө", "6"),  // Ө, major group first when it is the closest match
        ("teach", "23"),
        ("83", "83"),  // by code
    ])
    func findsOccupationsByTypingAFewLetters(_ query: String, _ expected: String) {
        let found = catalog.searchOccupations(query, limit: 5).map(\.code)
        #expect(found.contains(expected), "\(query) → \(found)")
    }

    @Test func everyWordMustMatch() {
        #expect(catalog.searchOccupations("жолооч багш").isEmpty)
        #expect(catalog.searchOccupations("zzzz").isEmpty)
    }

    @Test func emptyQueryListsSubMajorGroups() {
        let found = catalog.searchOccupations("", limit: 50)
        #expect(found.count == 43)
        #expect(found.allSatisfy { !$0.isMajorGroup })
    }
}
