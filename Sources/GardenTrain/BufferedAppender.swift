import Foundation

/// Appends to an open file through a buffer, written out by `flush()` or by the first
/// `append` a second or more after the last write: a log line every few milliseconds cost a
/// `write(2)` each (for the 4-32-32-3 mlp, whose step is 0.08 ms, logging every 10 steps).
/// What a reader can lose is at most that second, and the owners flush at each checkpoint and
/// when the run ends. Each flush writes whole appended pieces, never part of one.
final class BufferedAppender {
    private let handle: FileHandle
    private var pending = Data()
    private var lastWrite = BufferedAppender.now()
    /// Nanoseconds between writes of a buffer that is not flushed.
    private static let interval: UInt64 = 1_000_000_000

    /// Appends to the end of the file at `url` (which must exist).
    init(appendingTo url: URL) throws {
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit {
        flush()
        try? handle.close()
    }

    func append(_ data: Data) {
        pending.append(data)
        if Self.now() &- lastWrite >= Self.interval { flush() }
    }

    /// Writes what is buffered. A failed write (a full disk) loses it rather than crash: these
    /// files are logs, not the state of the run.
    func flush() {
        lastWrite = Self.now()
        guard !pending.isEmpty else { return }
        try? handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
