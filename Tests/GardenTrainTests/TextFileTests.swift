import Foundation
import GardenTestSupport
import GardenTrain
import Testing

/// User text files read within a limit the read enforces, not the size a file declares
/// (docs/reliability.md): a device, a sparse file or a directory gets one line, in bounded
/// time and memory.
@Suite("Text files within their limits")
struct TextFileTests {
    func failure(_ body: () throws -> Data) -> TextFile.Failure? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? TextFile.Failure
        }
    }

    /// A sparse file of 3 GiB: it declares far more than it stores.
    func sparseFile(in directory: TemporaryDirectory, named name: String) throws -> URL {
        let url = directory.url.appendingPathComponent(name)
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 3 << 30)
        try handle.close()
        return url
    }

    @Test func aFileUpToTheLimitIsReadWhole() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("t.txt")
        try Data("0123456789".utf8).write(to: url)
        #expect(try TextFile.contents(of: url.path, limit: 10) == Data("0123456789".utf8))
        #expect(failure { try TextFile.contents(of: url.path, limit: 9) } == .tooLarge(limit: 9))
    }

    /// `/dev/zero` declares no size and never ends; a 3 GiB sparse file declares what it does
    /// not hold. Both stop at the limit.
    @Test func aDeviceOrASparseFileStopsAtTheLimit() throws {
        let directory = try TemporaryDirectory()
        let sparse = try sparseFile(in: directory, named: "sparse.txt")
        for path in ["/dev/zero", sparse.path] {
            #expect(
                failure { try TextFile.contents(of: path, limit: 1 << 20) }
                    == .tooLarge(limit: 1 << 20))
        }
    }

    @Test func aMissingFileOrADirectoryIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.url.appendingPathComponent("missing.txt").path
        #expect(
            failure { try TextFile.contents(of: missing, limit: 10) }
                == .unreadable(reason: "no such file"))
        #expect(
            failure { try TextFile.contents(of: directory.url.path, limit: 10) }
                == .unreadable(reason: "a directory"))
    }

    /// Each reader says which limit, for which kind of file.
    @Test func eachReaderNamesItsFileAndLimit() throws {
        let directory = try TemporaryDirectory()
        let sparse = try sparseFile(in: directory, named: "big.txt")
        #expect(
            errorMessage { try Vocabulary.read(URL(fileURLWithPath: "/dev/zero")) }
                == "/dev/zero: the file is larger than 16777216 bytes, the limit for a vocab.txt")
        #expect(
            errorMessage { try TextCorpus.read(sparse) }
                == "\(sparse.path): the file is larger than 268435456 bytes, the limit for a text corpus (data.path)"
        )
        let table = directory.url.appendingPathComponent("big.csv")
        try FileManager.default.moveItem(at: sparse, to: table)
        #expect(
            errorMessage { try CSVTable.read(table) }
                == "\(table.path): the file is larger than 268435456 bytes, the limit for a table")
        #expect(
            errorMessage { try CSVTable.read(directory.url.appendingPathComponent("none.csv")) }
                == "\(directory.url.path)/none.csv: cannot read the file (no such file)")
    }
}
