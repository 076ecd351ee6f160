import CoreMetrics
import Foundation
import LMISProtocol
import Metrics
import Prometheus

/// The hub's Prometheus metrics, served at `/metrics`: what happens in requests is recorded
/// through swift-metrics (sync latency, records by result); each office's state (records
/// waiting, last seen, what needs a technician, records missing) is read from the database at
/// each scrape, so every hub process behind a load balancer reports the same fleet.
struct HubMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    /// How long a signed request of an office took, by path.
    func recordSync(office: String, path: String, duration: Duration) {
        Metrics.Timer(
            label: "lmis_sync_request_duration_seconds", dimensions: [("office", office), ("path", path)],
            factory: factory
        ).recordNanoseconds(
            Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Records received from an office, by what the hub answered.
    func countRecords(office: String, status: String, count: Int) {
        Counter(
            label: "lmis_records_received_total", dimensions: [("office", office), ("status", status)], factory: factory
        )
        .increment(by: count)
    }

    /// Registry numbers an office had checked (one by one or in batches).
    func countChecks(office: String, count: Int) {
        Counter(label: "lmis_identity_checks_total", dimensions: [("office", office)], factory: factory)
            .increment(by: count)
    }

    /// Upload body bytes as they came over the wire, by content coding (issue 25: bytes per record).
    func countUploadBytes(office: String, coding: String, bytes: Int) {
        Counter(
            label: "lmis_upload_body_bytes_total", dimensions: [("office", office), ("coding", coding)],
            factory: factory
        )
        .increment(by: bytes)
    }

    /// The exposition text, after setting each office's gauges from `devices`.
    func exposition(devices: [HubStore.DeviceSummary]) -> String {
        for (office, members) in Dictionary(grouping: devices.filter { !$0.revoked }, by: \.officeCode) {
            let labels = [("office", office)]
            registry.makeGauge(name: "lmis_office_devices", labels: labels).set(Double(members.count))
            registry.makeGauge(name: "lmis_office_records_waiting", labels: labels)
                .set(Double(members.reduce(0) { $0 + ($1.heartbeat?.waiting ?? 0) }))
            registry.makeGauge(name: "lmis_office_records_missing", labels: labels)
                .set(Double(members.reduce(0) { $0 + $1.missing }))
            let seen = members.compactMap { $0.lastSeenAt.flatMap(LMISTime.parse) }.max()
            registry.makeGauge(name: "lmis_office_last_seen_timestamp_seconds", labels: labels)
                .set(seen?.timeIntervalSince1970 ?? 0)
            for need in FleetRules.Need.allCases {
                registry.makeGauge(name: "lmis_office_devices_needing", labels: labels + [("need", need.rawValue)])
                    .set(Double(members.filter { $0.needs.contains(need.rawValue) }.count))
            }
        }
        return registry.emitToString()
    }
}
