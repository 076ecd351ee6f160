import CCrypt
public import KioskCore

/// yescrypt through libxcrypt, as Debian hashes login passwords: salted, deliberately slow.
public struct YescryptPINHasher: PINHasher {
    /// libxcrypt's cost parameter; 0 chooses its default.
    let cost: UInt

    public init(cost: UInt = 0) {
        self.cost = cost
    }

    public func hash(_ pin: String) throws -> String {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        // nil random bytes: libxcrypt reads them from the kernel.
        guard crypt_gensalt_rn("$y$", cost, nil, 0, &setting, Int32(setting.count)) != nil else {
            throw PINHashError()
        }
        guard let hashed = crypt(pin, setting: setting), hashed.hasPrefix("$y$") else { throw PINHashError() }
        return hashed
    }

    public func verify(_ pin: String, against hash: String) -> Bool {
        guard let computed = crypt(pin, setting: Array(hash.utf8CString)) else { return false }
        // Compare without an early exit, so timing does not tell how much matched.
        let a = Array(computed.utf8)
        let b = Array(hash.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func crypt(_ pin: String, setting: [CChar]) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            data.deinitialize(count: 1)
            data.deallocate()
        }
        data.initialize(to: crypt_data())
        guard let result = crypt_r(pin, setting, data) else { return nil }
        let text = String(cString: result)
        // Failures are reported as a string starting with "*".
        return text.hasPrefix("*") ? nil : text
    }
}

struct PINHashError: Error, CustomStringConvertible {
    var description: String { "the PIN could not be hashed" }
}
