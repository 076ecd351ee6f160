import GRDB
public import KioskCore

extension SQLiteStaffRepository: CounsellorDirectory {
    public func counsellors() async throws -> [Counsellor] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, display_name FROM staff WHERE role IN ('staff', 'head') ORDER BY display_name"
            ).map { Counsellor(staffID: $0["id"], displayName: $0["display_name"]) }
        }
    }
}
