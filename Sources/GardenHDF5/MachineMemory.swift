import Foundation

/// The memory this process may use: the machine's physical memory (`MemTotal` of
/// /proc/meminfo), or less when a cgroup v2 limit (`/sys/fs/cgroup/memory.max`, as in a
/// container) is lower. Sizes that come from untrusted files and recipes are checked against it
/// before anything is allocated (`HDF5File.checkStorage`, GardenRecipes' `MemoryEstimate`).
public enum MachineMemory {
    /// The limit in bytes, read once per call.
    public static var available: Int {
        limit(
            meminfo: try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            cgroupMax: try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
            fallback: Int(clamping: ProcessInfo.processInfo.physicalMemory))
    }

    /// The smaller of `MemTotal` in `meminfo` and the cgroup's `memory.max` (a byte count, or
    /// `max` for no limit); `fallback` when `meminfo` has no `MemTotal`.
    /// - Parameters:
    ///   - meminfo: The text of /proc/meminfo, if readable.
    ///   - cgroupMax: The text of /sys/fs/cgroup/memory.max, if present.
    ///   - fallback: The physical memory as the system reports it otherwise.
    /// - Returns: Bytes.
    public static func limit(meminfo: String?, cgroupMax: String?, fallback: Int) -> Int {
        var physical = fallback
        if let meminfo,
            let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        {
            let (bytes, overflow) = kilobytes.multipliedReportingOverflow(by: 1024)
            physical = overflow ? Int.max : bytes
        }
        let text = cgroupMax?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let cgroup = text.flatMap({ Int($0) }), cgroup > 0 else { return physical }
        return min(physical, cgroup)
    }
}
