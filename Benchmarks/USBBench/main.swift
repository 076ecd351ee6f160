// Capture figures for the fingerprint readers (issue 5): each recorded session replayed
// in-process by libumockdev, from the start of a capture (driver open included) to the image,
// split into time inside libusb (waiting on the device, here on umockdev's replay) and time in
// our code. Run under `umockdev-wrapper` (Benchmarks/run.sh does), release build.
import Fingerprint
import FingerprintReplay
import FingerprintUSB
import Foundation

guard ReplayBed.available else {
    print("usb-bench needs the umockdev preload: umockdev-wrapper .build-release/release/usb-bench")
    exit(2)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let runs = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 25
for recording in Recording.all {
    var totals: [Double] = []
    var usbShares: [Double] = []
    var transfers = 0
    var bytes = 0
    for _ in 0..<runs {
        let run = try ReplayRun.capture(recording)
        _ = try run.result.get()
        let total = run.seconds * 1000
        let usb = run.transfers.reduce(0.0) { $0 + milliseconds($1.duration) }
        totals.append(total)
        usbShares.append(usb / total)
        transfers = run.transfers.count
        bytes = run.transfers.filter(\.isIn).reduce(0) { $0 + $1.data.count }
    }
    let share = median(usbShares)
    print(
        String(
            format:
                "%-34@ %3d transfers, %6d bytes in: capture median %.1f ms (min %.1f); in libusb/replay %.0f %%, in our code %.0f %%",
            recording.model.name as NSString, transfers, bytes, median(totals), totals.min() ?? 0, share * 100,
            (1 - share) * 100))
}
