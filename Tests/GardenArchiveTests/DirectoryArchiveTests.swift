import Foundation
import Testing
@testable import GardenArchive

/// The archive is judged by GNU tar and gzip (real readers), and its bytes must not vary.
@Suite("Directory archive")
struct DirectoryArchiveTests {
    /// A scratch directory holding `tree/` (what is packed) and room for archives.
    final class Scratch {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("GardenArchiveTests-\(UUID().uuidString)")
        var tree: URL { url.appendingPathComponent("tree") }
        init() throws {
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("tree"),
                withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }

        func put(_ path: String, _ bytes: Data) throws {
            let file = tree.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(),
                withIntermediateDirectories: true)
            try bytes.write(to: file)
        }

        func archive(_ name: String) throws -> URL {
            let out = url.appendingPathComponent(name)
            var bytes = Data()
            try DirectoryArchive.write(tree) { bytes.append($0) }
            try bytes.write(to: out)
            return out
        }
    }

    static let longDirectory =
        String(repeating: "d", count: 90) + "/" + String(repeating: "e", count: 40)

    static func fill(_ s: Scratch) throws {
        try s.put("saved_model.pb", Data("pb".utf8))
        try s.put("variables/variables.index", Data(repeating: 7, count: 513))
        try s.put(
            "variables/variables.data-00000-of-00001", Data((0..<70_000).map { UInt8($0 % 251) }))
        try s.put("assets.extra/README.md", Data("# card\n".utf8))
        try s.put("\(longDirectory)/file.txt", Data("deep".utf8))
        try FileManager.default.createDirectory(
            at: s.tree.appendingPathComponent("assets"),
            withIntermediateDirectories: true)
    }

    /// Runs a tool and returns its stdout; fails the test on a non-zero exit.
    static func run(_ tool: String, _ args: [String], in dir: URL? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        if let dir { p.currentDirectoryURL = dir }
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(tool) \(args) exited \(p.terminationStatus)")
        return String(decoding: out, as: UTF8.self)
    }

    @Test func gnuTarListsAndExtractsTheTreeAtTheRootWithFixedOwnersModesAndTimes() throws {
        let s = try Scratch()
        try Self.fill(s)
        let archive = try s.archive("a.tar.gz")
        let listing = try Self.run(
            "tar",
            [
                "--list", "--verbose", "--numeric-owner", "--full-time",
                "-z", "-f", archive.path,
            ])
        let rows = listing.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(
            rows.map { String($0.last!) } == [
                "assets/", "assets.extra/", "assets.extra/README.md",
                "\(Self.longDirectory.prefix(90))/",
                "\(Self.longDirectory)/", "\(Self.longDirectory)/file.txt", "saved_model.pb",
                "variables/", "variables/variables.data-00000-of-00001",
                "variables/variables.index",
            ])
        for row in rows {
            #expect(row[1] == "0/0")
            #expect(row[3] == "1970-01-01" && row[4] == "00:00:00")
            #expect(row[0] == (row.last!.hasSuffix("/") ? "drwxr-xr-x" : "-rw-r--r--"))
        }
        let out = s.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        _ = try Self.run("tar", ["-xzf", archive.path, "-C", out.path])
        _ = try Self.run("diff", ["-r", s.tree.path, out.path])
    }

    @Test func theSameTreeGivesTheSameBytesAndTheGzipHeaderHasNoTimeOrName() throws {
        let s = try Scratch()
        try Self.fill(s)
        let a = try Data(contentsOf: try s.archive("a.tar.gz"))
        // A file's mtime changes; the archive must not.
        let pb = s.tree.appendingPathComponent("saved_model.pb")
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1e9)],
            ofItemAtPath: pb.path)
        let b = try Data(contentsOf: try s.archive("b.tar.gz"))
        #expect(a == b)
        // ID1 ID2 CM=8 FLG=0 MTIME=0 XFL=2 OS=255 (RFC 1952).
        #expect(Array(a.prefix(10)) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255])
        _ = try Self.run("gzip", ["-t", s.url.appendingPathComponent("a.tar.gz").path])
        // The uncompressed tar is a whole number of 10 KiB records.
        let tar = try Self.run(
            "sh", ["-c", "gzip -dc \(s.url.appendingPathComponent("a.tar.gz").path) | wc -c"])
        #expect(Int(tar.trimmingCharacters(in: .whitespacesAndNewlines))! % 10240 == 0)
    }

    @Test func symbolicLinksAreRefusedNamingThePath() throws {
        let s = try Scratch()
        try s.put("saved_model.pb", Data("pb".utf8))
        let link = s.tree.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(
            atPath: link.path, withDestinationPath: "saved_model.pb")
        #expect(throws: ArchiveError.unsupportedEntry(path: link.path, kind: "symbolic link")) {
            try DirectoryArchive.write(s.tree) { _ in }
        }
        #expect(
            ArchiveError.unsupportedEntry(path: "/x/link", kind: "symbolic link").errorDescription
                == "/x/link: is a symbolic link; an archive holds only regular files and directories"
        )
    }

    @Test func aNameThatCannotBeSplitForUstarIsRefused() throws {
        let name = String(repeating: "n", count: 120)
        #expect(throws: ArchiveError.nameTooLong(path: "dir/" + name)) {
            try TarHeader.make(path: "dir/" + name, size: 0, isDirectory: false)
        }
        #expect(throws: ArchiveError.fileTooLarge(path: "big", size: 1 << 33)) {
            try TarHeader.make(path: "big", size: 1 << 33, isDirectory: false)
        }
    }
}
