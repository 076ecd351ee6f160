public import KioskApp

/// The ports the appliance's firewall lets in for the kiosk (`/etc/nftables.conf` names the set
/// `kiosk_ports` with 8080 and 8443): `kiosk firewall-ports` prints the nft commands that fill the
/// set from the configured `port` and `tls_port`, and kiosk-firewall-ports.service feeds them to
/// `nft -f -` at every boot, before kiosk.service listens. A kiosk moved to other ports is then
/// reachable on them, and on no other.
public enum FirewallPorts {
    /// The nft table and set of `Provisioning/image/nftables.conf`.
    public static let table = "inet lswo_filter"
    public static let set = "kiosk_ports"

    /// The TCP ports the kiosk listens on where the office network reaches it.
    public static func ports(_ configuration: KioskConfiguration) -> [Int] {
        let ports = [configuration.port] + (configuration.tlsPort.map { [$0] } ?? [])
        // Port 0 is "any free port", which a firewall cannot name.
        return Array(Set(ports.filter { $0 > 0 })).sorted()
    }

    /// The nft script: the set emptied, then filled with `ports(configuration)`, as one transaction.
    public static func script(_ configuration: KioskConfiguration) -> String {
        let ports = ports(configuration)
        var lines = ["flush set \(table) \(set)"]
        if !ports.isEmpty {
            lines.append("add element \(table) \(set) { \(ports.map(String.init).joined(separator: ", ")) }")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
