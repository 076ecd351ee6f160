import KioskAdmin
import KioskStore
import Testing

@Suite("kiosk doctor: the SMS modem")
struct ModemDoctorTests {
    func status(running: Bool = true, imei: Bool = true, imsi: Bool = true, signal: Int? = 60, errors: Int = 0)
        -> GammuModemStatus
    {
        GammuModemStatus(
            daemonRunning: running, modemPresent: imei, simReady: imsi, signalPercent: signal, waiting: 4,
            errors: errors)
    }

    @Test func eachMissingPieceIsNamed() {
        #expect(Doctor.modemCheck(status(running: false)).summary.contains("gammu-smsd is not running"))
        #expect(Doctor.modemCheck(status(running: false)).summary.contains("4 messages wait"))
        #expect(Doctor.modemCheck(status(imei: false)).summary == "no modem answers gammu-smsd")
        #expect(Doctor.modemCheck(status(imsi: false)).summary.contains("no SIM ready"))
        #expect(Doctor.modemCheck(status(signal: 0)).summary.contains("not on the network"))
        for broken in [status(running: false), status(imei: false), status(imsi: false), status(signal: 0)] {
            #expect(Doctor.modemCheck(broken).verdict == .failure)
        }
        #expect(Doctor.modemCheck(status()).verdict == .ok)
        #expect(Doctor.modemCheck(status()).summary == "modem on the network, signal 60%, 4 waiting")
        #expect(Doctor.modemCheck(status(errors: 2)).verdict == .warning)
    }
}
