import Foundation

#if canImport(Glibc)
    import Glibc
#endif
// `stat` may be found through these modules' headers first, whichever files are compiled
// together (MemberImportVisibility).
#if canImport(CoreFoundation)
    import CoreFoundation
#endif
#if canImport(CDispatch)
    import CDispatch
#endif

/// The office database and the device key in the data folder.
enum DataFiles {
    static let names = [
        "kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm", "lmis-device.key", "tls", "tls/office-ca.pem",
        "tls/office-ca.key", "tls/server.pem", "tls/server.key",
    ]

    /// A technician's command run as root (kiosk provision, kiosk doctor) can leave these files,
    /// or the database's WAL and shared-memory files, owned by root; the service runs as its own
    /// user and must open them. Gives them the data folder's owner.
    static func handOver(in directory: String) {
        guard geteuid() == 0 else { return }
        var owner = stat()
        guard stat(directory, &owner) == 0, owner.st_uid != 0 else { return }
        for name in names {
            _ = chown(directory + "/" + name, owner.st_uid, owner.st_gid)
        }
    }
}
