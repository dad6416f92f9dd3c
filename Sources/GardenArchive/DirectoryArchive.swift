import Foundation

/// Packs a directory into a deterministic `.tar.gz`: the directory's contents at the archive
/// root (`saved_model.pb`, `variables/`, `variables/variables.index`, ... — no `./` and no
/// entry for the root itself), entries sorted by their UTF-8 path with each directory before
/// its contents, ustar headers from ``TarHeader`` and one ``GzipWriter`` member. The same
/// directory contents always give the same bytes.
public enum DirectoryArchive {
    /// One archive member: a path relative to the packed directory and what it is.
    public struct Entry: Equatable {
        public var path: String
        public var isDirectory: Bool
        public var size: UInt64
    }

    /// The entries of `directory` in archive order. Refuses symbolic links and anything that
    /// is neither a regular file nor a directory (TF Hub's extractor refuses them too).
    public static func entries(of directory: URL) throws -> [Entry] {
        var out: [Entry] = []
        try collect(directory, relative: "", into: &out)
        return out
    }

    private static func collect(_ dir: URL, relative: String, into out: inout [Entry]) throws {
        let fm = FileManager.default
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: dir.path)
        } catch {
            throw ArchiveError.io(path: dir.path, reason: "cannot list the directory")
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let url = dir.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0 else {
                throw ArchiveError.io(path: url.path, reason: String(cString: strerror(errno)))
            }
            let path = relative + name
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                out.append(Entry(path: path + "/", isDirectory: true, size: 0))
                try collect(url, relative: path + "/", into: &out)
            case S_IFREG:
                out.append(Entry(path: path, isDirectory: false, size: UInt64(info.st_size)))
            case S_IFLNK: throw ArchiveError.unsupportedEntry(path: url.path, kind: "symbolic link")
            default: throw ArchiveError.unsupportedEntry(path: url.path, kind: "special file")
            }
        }
    }

    /// Writes the archive of `directory` through `sink` (compressed bytes, in order).
    public static func write(_ directory: URL, sink: @escaping (Data) throws -> Void) throws {
        let gzip = try GzipWriter(sink: sink)
        var written: UInt64 = 0
        for entry in try entries(of: directory) {
            try gzip.write(
                Data(
                    try TarHeader.make(
                        path: entry.path, size: entry.size,
                        isDirectory: entry.isDirectory)))
            written += UInt64(TarHeader.blockSize)
            guard !entry.isDirectory else { continue }
            let url = directory.appendingPathComponent(entry.path)
            let copied = try copy(url, into: gzip)
            guard copied == entry.size else {
                throw ArchiveError.changedWhileReading(path: url.path)
            }
            let padding =
                (TarHeader.blockSize - Int(copied % UInt64(TarHeader.blockSize)))
                % TarHeader.blockSize
            try gzip.write(Data(count: padding))
            written += copied + UInt64(padding)
        }
        // Two zero blocks end the archive; pad to a whole 10 KiB record as tar(1) and Python do.
        written += UInt64(2 * TarHeader.blockSize)
        let record: UInt64 = 20 * UInt64(TarHeader.blockSize)
        let tail = 2 * TarHeader.blockSize + Int((record - written % record) % record)
        try gzip.write(Data(count: tail))
        try gzip.finish()
    }

    /// Streams `url` into `gzip` in 1 MiB pieces; returns the number of bytes copied.
    private static func copy(_ url: URL, into gzip: GzipWriter) throws -> UInt64 {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ArchiveError.io(path: url.path, reason: "cannot open the file for reading")
        }
        defer { try? handle.close() }
        var total: UInt64 = 0
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw ArchiveError.io(path: url.path, reason: "cannot read the file")
            }
            if chunk.isEmpty { return total }
            try gzip.write(chunk)
            total += UInt64(chunk.count)
        }
    }
}
