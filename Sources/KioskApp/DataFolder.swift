import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The data folder holds the office's personal data and secrets (the database and its WAL and
/// shared-memory files, the LMIS device key, the device secret, TLS keys): only the service's
/// own user may read it, whatever umask it was started with.
public enum DataFolder {
    /// Sets the process umask to 077 (every file made from now on is owner-only), makes the
    /// folder if needed, and gives the folder 0700 and everything already in it 0600 (folders 0700).
    public static func secure(_ path: String) throws {
        umask(0o077)
        let manager = FileManager.default
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        try restrict(path, manager)
    }

    private static func restrict(_ folder: String, _ manager: FileManager) throws {
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        for name in try manager.contentsOfDirectory(atPath: folder) {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                try restrict(path, manager)
            } else {
                try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            }
        }
    }
}
