/// The database refused a write: the disk is full (`full`) or the file cannot be written
/// (`ioFailure`). Nothing of the refused change was kept; the same request succeeds once space
/// returns, without a restart.
public enum StorageError: Error, Sendable, Equatable {
    case full
    case ioFailure
}
