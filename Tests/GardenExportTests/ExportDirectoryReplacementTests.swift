import Foundation
import Testing

@testable import GardenExport

/// `--out` holds a whole export at every instant of a replacement, and temporaries of killed
/// writers are removed by the next export.
@Suite struct ExportDirectoryReplacementTests {
    func directory(_ root: URL, _ name: String, file: String) throws -> URL {
        let dir = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(file.utf8).write(to: dir.appendingPathComponent("saved_model.pb"))
        return dir
    }

    @Test func anExistingExportIsSwappedInOneStep() throws {
        let root = SavedModelTestSupport.scratchDirectory("replace")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = try directory(root, "export", file: "old")
        let temp = try directory(root, ".export.tmp-1", file: "new")
        // The exchange itself: both paths exist before and after, contents swapped.
        #expect(ExportDirectoryReplacement.exchange(temp.path, out.path))
        #expect(
            try String(contentsOf: out.appendingPathComponent("saved_model.pb"), encoding: .utf8)
                == "new")
        #expect(
            try String(contentsOf: temp.appendingPathComponent("saved_model.pb"), encoding: .utf8)
                == "old")
        let newer = try directory(root, ".export.tmp-2", file: "newer")
        try ExportDirectoryReplacement.replace(out, with: newer, pid: 2)
        #expect(
            try String(contentsOf: out.appendingPathComponent("saved_model.pb"), encoding: .utf8)
                == "newer")
        #expect(!FileManager.default.fileExists(atPath: newer.path))
    }

    @Test func staleTemporariesOfDeadProcessesGoAndLiveOnesStay() throws {
        let root = SavedModelTestSupport.scratchDirectory("stale")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("export")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = process.processIdentifier
        let live = ProcessInfo.processInfo.processIdentifier
        let stale = try directory(root, ".export.tmp-\(dead)", file: "half")
        let old = try directory(root, ".export.old-\(dead)", file: "old")
        let busy = try directory(root, ".export.tmp-\(live)", file: "mine")
        let other = try directory(root, ".other.tmp-\(dead)", file: "not an export of out")
        ExportDirectoryReplacement.removeStale(beside: out)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: busy.path))
        #expect(FileManager.default.fileExists(atPath: other.path))
    }
}
