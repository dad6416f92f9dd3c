import CHDF5
import Foundation

/// The one gate through which every libhdf5 call passes.
///
/// The libhdf5 we link is the serial build, which keeps global state (the ID tables, the
/// metadata cache, the error stack) without any locking. Two threads inside libhdf5 at once
/// corrupt that state, so every call, including closing handles in `deinit`, holds this lock.
enum HDF5Library {
    /// Recursive, so a locked helper may call another locked helper without deadlocking.
    private static let lock = NSRecursiveLock()

    /// Runs `body` while holding the global HDF5 lock.
    static func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        // Switching the printing off on every entry costs one cheap call and stays correct with a
        // thread-safe libhdf5, where the setting is per thread rather than global.
        _ = garden_h5_disable_error_printing()
        return try body()
    }
}
