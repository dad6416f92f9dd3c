/// A POSIX ustar header block (512 bytes) with every field that could vary fixed: mode 0644
/// for files and 0755 for directories, uid and gid 0, empty user and group names, mtime 0.
enum TarHeader {
    static let blockSize = 512
    /// The largest size the 11 octal digits of the size field hold.
    static let maxSize: UInt64 = 0o77777777777

    /// The header of `path` (relative, `/`-separated; directories end in `/`).
    /// - Throws: ``ArchiveError/nameTooLong(path:)``, ``ArchiveError/fileTooLarge(path:size:)``.
    static func make(path: String, size: UInt64, isDirectory: Bool) throws -> [UInt8] {
        guard size <= maxSize else { throw ArchiveError.fileTooLarge(path: path, size: size) }
        let (prefix, name) = try split(path)
        var block = [UInt8](repeating: 0, count: blockSize)
        put(name, at: 0, width: 100, into: &block)
        put(octal(isDirectory ? 0o755 : 0o644, digits: 7), at: 100, width: 8, into: &block)
        put(octal(0, digits: 7), at: 108, width: 8, into: &block)  // uid
        put(octal(0, digits: 7), at: 116, width: 8, into: &block)  // gid
        put(octal(size, digits: 11), at: 124, width: 12, into: &block)
        put(octal(0, digits: 11), at: 136, width: 12, into: &block)  // mtime
        block[156] = isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put(Array("ustar\0".utf8), at: 257, width: 6, into: &block)
        put(Array("00".utf8), at: 263, width: 2, into: &block)
        put(octal(0, digits: 7), at: 329, width: 8, into: &block)  // devmajor
        put(octal(0, digits: 7), at: 337, width: 8, into: &block)  // devminor
        put(prefix, at: 345, width: 155, into: &block)
        // The checksum is the byte sum with its own field read as eight spaces.
        for i in 148..<156 { block[i] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + UInt64($1) }
        put(octal(sum, digits: 6) + [0, UInt8(ascii: " ")], at: 148, width: 8, into: &block)
        return block
    }

    /// Splits a path longer than 100 bytes at a `/` into ustar's prefix (≤ 155) and name (≤ 100).
    static func split(_ path: String) throws -> (prefix: [UInt8], name: [UInt8]) {
        let bytes = Array(path.utf8)
        if bytes.count <= 100 { return ([], bytes) }
        // A directory's trailing '/' stays with the name; search the separators before it.
        let searchEnd = bytes.last == UInt8(ascii: "/") ? bytes.count - 1 : bytes.count
        for i in (0..<searchEnd).reversed() where bytes[i] == UInt8(ascii: "/") {
            if i <= 155 && bytes.count - i - 1 <= 100 && i > 0 {
                return (Array(bytes[0..<i]), Array(bytes[(i + 1)...]))
            }
        }
        throw ArchiveError.nameTooLong(path: path)
    }

    /// `value` as `digits` zero-padded octal digits and a NUL.
    static func octal(_ value: UInt64, digits: Int) -> [UInt8] {
        let text = String(value, radix: 8)
        return Array((String(repeating: "0", count: max(0, digits - text.count)) + text).utf8) + [0]
    }

    static func put(_ bytes: [UInt8], at offset: Int, width: Int, into block: inout [UInt8]) {
        for (i, b) in bytes.prefix(width).enumerated() { block[offset + i] = b }
    }
}
