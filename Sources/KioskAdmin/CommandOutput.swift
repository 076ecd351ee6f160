/// What a technician's command prints, and the status it exits with.
public struct CommandOutput: Sendable, Equatable {
    public var lines: [String]
    public var exitCode: Int32

    public init(_ lines: [String], exitCode: Int32 = 0) {
        self.lines = lines
        self.exitCode = exitCode
    }
}
