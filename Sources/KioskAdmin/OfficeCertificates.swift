import Crypto
public import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

/// The office's own TLS: a certificate authority the technician installs once on the staff PCs
/// and phones (`office-ca.pem`), and the kiosk's server certificate signed by it, naming the
/// kiosk's host names and addresses. Made with swift-certificates (already in the package
/// graph), so provisioning needs no `openssl` binary and the names are typed, not a config
/// file. Re-running keeps the CA (staff PCs keep trusting it) and issues a new server
/// certificate. Keys are P-256, files owner-only (0600) in `<data_dir>/tls`.
public struct OfficeCertificates: Sendable {
    public let folder: URL
    /// Server certificates last a little over two years (browsers refuse longer ones); the CA ten.
    public static let serverDays = 825
    public static let authorityDays = 3650

    public init(folder: URL) {
        self.folder = folder
    }

    public var authorityCertificate: URL { folder.appendingPathComponent("office-ca.pem") }
    var authorityKey: URL { folder.appendingPathComponent("office-ca.key") }
    public var serverCertificate: URL { folder.appendingPathComponent("server.pem") }
    public var serverKey: URL { folder.appendingPathComponent("server.key") }

    /// What was made: whether the CA is new (to be installed on staff PCs) and the server
    /// certificate's expiry.
    public struct Issued: Sendable {
        public var authorityIsNew: Bool
        public var notValidAfter: Date
    }

    /// Makes the CA if there is none, and a server certificate for `names` (DNS names or IP
    /// addresses) signed by it. Throws `ConfigurationError`-free `OfficeCertificateError` for a
    /// name that is neither.
    public func issue(names: [String], office: String, now: Date = Date()) async throws -> Issued {
        let alternatives = try names.map(Self.generalName)
        guard !alternatives.isEmpty else { throw OfficeCertificateError("give at least one host name or address") }
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let (authority, authorityKey, authorityIsNew) = try await loadOrMakeAuthority(office: office, now: now)
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName {
            OrganizationName("LSWO kiosk \(office)")
            CommonName(names[0])
        }
        let authorityIdentifier = try authority.extensions.subjectKeyIdentifier?.keyIdentifier
        let notValidAfter = now.addingTimeInterval(Double(Self.serverDays) * 86_400)
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: notValidAfter, issuer: authority.subject,
            subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityIdentifier)
                SubjectAlternativeNames(alternatives)
            }, issuerPrivateKey: Certificate.PrivateKey(authorityKey))
        try Self.write(key.pemRepresentation, to: serverKey)
        try Self.write(try server.serializeAsPEM().pemString, to: serverCertificate)
        return Issued(authorityIsNew: authorityIsNew, notValidAfter: notValidAfter)
    }

    private func loadOrMakeAuthority(office: String, now: Date) async throws -> (
        Certificate, P256.Signing.PrivateKey, Bool
    ) {
        let manager = FileManager.default
        if manager.fileExists(atPath: authorityCertificate.path), manager.fileExists(atPath: authorityKey.path) {
            let certificate = try Certificate(
                pemEncoded: String(contentsOf: authorityCertificate, encoding: .utf8))
            let key = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOf: authorityKey, encoding: .utf8))
            return (certificate, key, false)
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName("LSWO kiosk \(office)")
            CommonName("LSWO kiosk office CA \(office)")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(Double(Self.authorityDays) * 86_400), issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            }, issuerPrivateKey: Certificate.PrivateKey(key))
        try Self.write(key.pemRepresentation, to: authorityKey)
        try Self.write(try certificate.serializeAsPEM().pemString, to: authorityCertificate)
        return (certificate, key, true)
    }

    /// The expiry of the PEM certificate at `path` (`kiosk doctor`).
    public static func expiry(ofPEMFile path: String) throws -> Date {
        try Certificate(pemEncoded: String(contentsOfFile: path, encoding: .utf8)).notValidAfter
    }

    /// A DNS name, or an IPv4 or IPv6 address.
    static func generalName(_ name: String) throws -> GeneralName {
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: withUnsafeBytes(of: &v4) { Array($0)[...] }))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: withUnsafeBytes(of: &v6) { Array($0)[...] }))
        }
        guard
            name.range(
                of: #"^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$"#,
                options: .regularExpression)
                != nil
        else { throw OfficeCertificateError("\(name) is neither a host name nor an IP address") }
        return .dnsName(name.lowercased())
    }

    /// Writes owner-only, atomically.
    static func write(_ text: String, to url: URL) throws {
        let temporary = url.appendingPathExtension("new")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
            rename(temporary.path, url.path) == 0
        else { throw OfficeCertificateError("cannot write \(url.path)") }
    }
}

public struct OfficeCertificateError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
