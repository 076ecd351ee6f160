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
        // The western aimags keep Hovd time.
        let west = Set(top.filter { $0.timeZone == "Asia/Hovd" }.map(\.name.mn))
        #expect(west == ["Баян-Өлгий аймаг", "Ховд аймаг", "Увс аймаг", "Завхан аймаг", "Говь-Алтай аймаг"])
    }

    @Test func everyAimagHasItsSoumsAndEveryDistrictItsKhoroos() {
        for unit in catalog.topLevelUnits {
            let children = catalog.children(of: unit.code)
            #expect(!children.isEmpty, "\(unit.code) has nothing under it")
            let kind: AdminUnit.Kind = unit.kind == .aimag ? .soum : .khoroo
            #expect(children.allSatisfy { $0.kind == kind && $0.timeZone == nil }, "\(unit.code)")
            #expect(Set(children.map(\.name.mn)).count == children.count, "\(unit.code) repeats a name")
        }
        let units = catalog.data.adminUnits
        #expect(units.filter { $0.kind == .soum }.count == 330)
        #expect(units.filter { $0.kind == .khoroo }.count == 204)
        #expect(catalog.children(of: "UB-BZ").count == 43)
        #expect(catalog.children(of: "UB-SB").count == 20)
        #expect(catalog.children(of: "UB-BH").count == 2)
    }

    @Test func codesAreUniqueAndParentsExist() {
        let units = catalog.data.adminUnits
        #expect(Set(units.map(\.code)).count == units.count)
        for unit in units where unit.parentCode != nil {
            let parent = catalog.adminUnit(unit.parentCode!)
            #expect(parent?.kind.isTopLevel == true, "\(unit.code)")
            #expect(unit.code.hasPrefix(unit.parentCode! + "-"), "\(unit.code) is not coded under its parent")
        }
    }

    @Test func namesAreInBothLanguagesAndTheMongolianOnesCyrillic() {
        for unit in catalog.data.adminUnits {
            #expect(Self.isCyrillic(unit.name.mn), "\(unit.code) \(unit.name.mn)")
            #expect(Self.isLatin(unit.name.en), "\(unit.code) \(unit.name.en)")
        }
        for occupation in catalog.data.occupations where occupation.code.count >= 3 {
            #expect(Self.isCyrillic(occupation.name.mn), "\(occupation.code) \(occupation.name.mn)")
            #expect(Self.isLatin(occupation.name.en), "\(occupation.code) \(occupation.name.en)")
        }
    }

    /// Letters all Cyrillic (Mongolian's Ө and Ү included); digits, spaces and punctuation allowed.
    static func isCyrillic(_ text: String) -> Bool {
        !text.isEmpty && text.contains(where: \.isLetter)
            && text.unicodeScalars.allSatisfy { !$0.properties.isAlphabetic || (0x400...0x4FF).contains($0.value) }
    }

    static func isLatin(_ text: String) -> Bool {
        !text.isEmpty && text.contains(where: \.isLetter)
            && text.unicodeScalars.allSatisfy { !$0.properties.isAlphabetic || $0.value < 0x250 }
    }

    @Test func codesTheDataAlreadyUsesAreKept() {
        #expect(catalog.adminUnit("UB-SB-05")?.name.mn == "5-р хороо")
        #expect(catalog.adminUnit("MN-043-01")?.name.mn == "Алтай")
        #expect(catalog.adminUnit("MN-043-17")?.name.mn == "Эрдэнэбүрэн")
        #expect(catalog.adminUnit("MN-037-04")?.name.mn == "Шарынгол")
        #expect(catalog.adminUnit("MN-043")?.timeZone == "Asia/Hovd")
    }

    @Test func hasIscoGroupsDownToUnitGroupsInBothLanguages() {
        let occupations = catalog.data.occupations
        #expect(occupations.filter(\.isMajorGroup).count == 10)
        #expect(occupations.filter { $0.level == .subMajor }.count == 43)
        #expect(occupations.filter { $0.level == .minor }.count == 130)
        #expect(occupations.filter { $0.level == .unit }.count == 436)
        #expect(occupations.allSatisfy { !$0.name.mn.isEmpty && !$0.name.en.isEmpty })
        #expect(occupations.allSatisfy { $0.parentCode.map { catalog.occupation($0) != nil } ?? true })
        #expect(catalog.occupation("5120")?.keywords.contains("тогооч") == true)
    }

    @Test func educationLevelsAreOrdered() {
        let ranks = catalog.educationLevels.map(\.rank)
        #expect(ranks == ranks.sorted())
        #expect(catalog.educationLevel("bachelor") != nil)
    }

    @Test(arguments: [
        ("жол", "8322"),  // Жолооч from three Mongolian letters
        ("ЖОЛ", "8322"),  // upper case
        ("driv", "8322"),  // English prefix
        ("эрүүл мэнд", "2269"),  // Эрүүл мэндийн бусад мэргэжилтэн, with Ү, two words
        ("ЭРҮҮЛ МЭНД", "2269"),
        ("хөдөө аж ахуйн туслах", "921"),  // Ө
        ("teach", "2330"),
        ("83", "83"),  // by code
        ("5120", "5120"),
    ])
    func findsOccupationsByTypingAFewLetters(_ query: String, _ expected: String) {
        let found = catalog.searchOccupations(query, limit: 5).map(\.code)
        #expect(found.contains(expected), "\(query) → \(found)")
    }

    /// The names people give their work find its unit group first, from a few letters.
    @Test(arguments: [
        ("тогоо", "5120"),  // тогооч, cook
        ("худалд", "5223"),  // худалдагч, shop sales assistant
        ("харуул", "5414"),  // security guard
        ("малч", "6121"),  // малчин, herder
        ("няра", "4321"),  // нярав, storekeeper
        ("жолоо", "8322"),  // жолооч, driver
        ("cook", "5120"),
        ("барилгачин", "7111"),
        ("нягтлан", "2411"),
        ("багш", "2330"),
        ("эмч", "2211"),
        ("сувилагч", "2221"),
        ("оёдолч", "7531"),
        ("гагнуур", "7212"),
        ("цахилгаанч", "7411"),
        ("мужаан", "7115"),
        ("засварчин", "7231"),
        ("үйлчлэгч", "9112"),
        ("ачигч", "9333"),
        ("Тогооч", "5120"),
        ("ТОГООЧ", "5120"),
    ])
    func findsTheJobAPersonNamesFirst(_ query: String, _ expected: String) {
        let found = catalog.searchOccupations(query, limit: 5).map(\.code)
        #expect(found.first == expected, "\(query) → \(found)")
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
