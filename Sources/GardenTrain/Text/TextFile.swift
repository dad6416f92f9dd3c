import Foundation

/// A user's text file (a recipe, a table, a corpus, a `vocab.txt`) read whole, within a size
/// limit that the read itself enforces: it asks for at most `limit + 1` bytes and never trusts
/// the size the file declares, so a device (`/dev/zero`), a sparse file or one that grows while
/// it is read cannot make it read or hold more. Each reader maps a failure to its own message,
/// naming the file and the key that gave it.
public enum TextFile {
    /// The largest table (`CSVTable`), text corpus (`TextCorpus`) or `garden tokenize` input:
    /// 256 MiB, far more text than a CPU run reads. The whole file is held in memory while it
    /// is parsed, and its fields or sentences as strings; and a corpus is tokenized at about
    /// 0.2 MB a second (a 64 MB one took `garden train` of bert_tiny 5 minutes), so the limit
    /// also bounds the time a run spends on its data.
    public static let dataLimit = 1 << 28
    /// The largest `vocab.txt` (`Vocabulary.read`): 16 MiB, about 70 times BERT-base's (30,522
    /// tokens, 226 KiB).
    public static let vocabularyLimit = 1 << 24

    /// Why a file could not be read.
    public enum Failure: Error, Equatable {
        /// It could not be opened or read: missing, a directory, no permission, an I/O error.
        case unreadable(reason: String)
        /// It holds more than the limit's bytes.
        case tooLarge(limit: Int)
    }

    /// The bytes of the file at `path`, at most `limit` of them.
    /// - Throws: `Failure`.
    public static func contents(of path: String, limit: Int) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure.unreadable(reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw Failure.unreadable(reason: "a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure.unreadable(reason: "permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw Failure.unreadable(reason: error.localizedDescription)
        }
        guard data.count <= limit else { throw Failure.tooLarge(limit: limit) }
        return data
    }
}
