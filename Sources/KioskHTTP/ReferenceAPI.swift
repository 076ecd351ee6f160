import Foundation
import Hummingbird
import KioskCore

/// `/api/v1/reference/...`: data for the pickers, names in both languages.
struct ReferenceAPI: Sendable {
    let catalog: ReferenceCatalog
    let locales: Locales

    struct Item: Encodable {
        let code: String
        let kind: String?
        let name: LocalizedText
    }

    struct Items: Encodable {
        let version: String
        let items: [Item]
    }

    static let maxSearchLimit = 50

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("reference/admin-units") { request, _ -> Response in
            let units: [AdminUnit]
            if let parent = request.uri.queryParameters.get("parent") {
                guard catalog.adminUnit(parent)?.kind.isTopLevel == true else {
                    throw APIError(
                        status: .notFound, code: "unknownParent",
                        message: locales.both("api.unknownParent"),
                        field: "parent")
                }
                units = catalog.children(of: parent)
            } else {
                units = catalog.topLevelUnits
            }
            return try JSON.response(
                Items(
                    version: catalog.version,
                    items: units.map { Item(code: $0.code, kind: $0.kind.rawValue, name: $0.name) }))
        }
        group.get("reference/education-levels") { _, _ -> Response in
            try JSON.response(
                Items(
                    version: catalog.version,
                    items: catalog.educationLevels.map { Item(code: $0.code, kind: nil, name: $0.name) }))
        }
        group.get("reference/occupations") { request, _ -> Response in
            let query = String((request.uri.queryParameters.get("q") ?? "").prefix(100))
            var limit = 20
            if let raw = request.uri.queryParameters.get("limit") {
                guard let value = Int(raw), (1...Self.maxSearchLimit).contains(value) else {
                    throw APIError(
                        status: .badRequest, code: "invalidLimit",
                        message: locales.both("api.invalidLimit"), field: "limit")
                }
                limit = value
            }
            let found = catalog.searchOccupations(query, limit: limit)
            return try JSON.response(
                Items(
                    version: catalog.version,
                    items: found.map {
                        Item(code: $0.code, kind: $0.level.rawValue, name: $0.name)
                    }))
        }
        group.get("reference/statuses") { _, _ -> Response in
            try JSON.response(
                Items(
                    version: catalog.version,
                    items: JobseekerStatus.allCases.map {
                        Item(code: $0.rawValue, kind: nil, name: locales.both("status.\($0.rawValue)"))
                    }))
        }
    }
}
