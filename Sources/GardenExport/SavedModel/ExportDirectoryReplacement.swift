import Foundation

/// Puts a finished export directory in place so that `--out` always holds a whole export, the
/// old one or the new one, even if the process is killed at any instant, and removes what
/// killed writers left behind.
enum ExportDirectoryReplacement {
    /// Moves `temp` to `dir`. An existing `dir` is swapped with `temp` in one
    /// `renameat2(RENAME_EXCHANGE)` (Linux 3.15+), so there is no instant without an export at
    /// `dir`; the old export, now at `temp`, is deleted afterwards (a kill before that leaves
    /// it to ``removeStale(beside:)``). Where the exchange is not available (another OS, a file
    /// system without it) the old export is renamed away first and put back on failure.
    static func replace(_ dir: URL, with temp: URL, pid: Int32) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: dir.path) else {
            try rename(temp, to: dir)
            return
        }
        if exchange(temp.path, dir.path) {
            try? fm.removeItem(at: temp)
            return
        }
        let old = sibling(of: dir, kind: "old", pid: pid)
        if fm.fileExists(atPath: old.path) { try? fm.removeItem(at: old) }
        try rename(dir, to: old)
        do {
            try rename(temp, to: dir)
        } catch {
            _ = Foundation.rename(old.path, dir.path)
            throw error
        }
        try? fm.removeItem(at: old)
    }

    /// `.<name>.<kind>-<pid>` beside `dir`: where an export is built (`tmp`) or the old one
    /// waits to be deleted (`old`).
    static func sibling(of dir: URL, kind: String, pid: Int32) -> URL {
        dir.deletingLastPathComponent().appendingPathComponent(
            ".\(dir.lastPathComponent).\(kind)-\(pid)")
    }

    /// Deletes `.<name>.tmp-<pid>` and `.<name>.old-<pid>` beside `dir` whose process is gone
    /// (a writer killed mid-export). Those of live processes are another writer's, left alone.
    static func removeStale(beside dir: URL) {
        let fm = FileManager.default
        let parent = dir.deletingLastPathComponent()
        guard let names = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        let prefix = ".\(dir.lastPathComponent)."
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.lastIndex(of: "-"),
                ["tmp", "old"].contains(String(rest[..<dash])),
                let pid = Int32(rest[rest.index(after: dash)...]), pid > 0, !isAlive(pid)
            else { continue }
            try? fm.removeItem(at: parent.appendingPathComponent(name))
        }
    }

    /// Whether a process `pid` exists (signal 0 checks without sending anything).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    static func rename(_ from: URL, to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw ExportError.io(path: to.path, message: String(cString: strerror(errno)))
        }
    }

    /// Swaps two paths atomically with `renameat2(..., RENAME_EXCHANGE)`; false if the call is
    /// missing or refused (glibc exports it, but Swift's Glibc module does not declare it).
    static func exchange(_ a: String, _ b: String) -> Bool {
        guard let call = renameat2 else { return false }
        return call(atFDCWD, a, atFDCWD, b, renameExchange) == 0
    }

    private typealias RenameAt2 =
        @convention(c) (
            Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
        ) -> Int32
    private static let atFDCWD: Int32 = -100  // AT_FDCWD
    private static let renameExchange: UInt32 = 1 << 1  // RENAME_EXCHANGE
    private static let renameat2: RenameAt2? = {
        #if os(Linux)
            guard let symbol = dlsym(nil, "renameat2") else { return nil }
            return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
            return nil
        #endif
    }()
}
