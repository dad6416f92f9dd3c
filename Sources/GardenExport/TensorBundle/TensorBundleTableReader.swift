import GardenCRC32C
import TFProto

/// Parses a LevelDB-format sorted table (as in `variables.index`) into its entries, checking
/// the footer, every block checksum, the restart arrays and the key order.
///
/// Any restart layout and any amount of prefix sharing is accepted, as LevelDB accepts them.
enum TensorBundleTableReader {
    struct Entry {
        var key: [UInt8]
        var value: [UInt8]
        /// File offset of the entry's first byte (for error messages).
        var offset: Int
    }

    static func entries(of bytes: [UInt8], file: String) throws -> [Entry] {
        let footerSize = TensorBundleTableBuilder.footerSize
        guard bytes.count >= footerSize else {
            throw TensorBundleError.corrupt(
                file: file, offset: 0,
                message:
                    "file is too short to be an sstable: \(bytes.count) bytes, expected at least \(footerSize)"
            )
        }
        let footerStart = bytes.count - footerSize
        var magicCursor = TensorBundleByteCursor(
            bytes: bytes, file: file, start: bytes.count - 8, end: bytes.count)
        let magic = try magicCursor.readFixed64("magic number")
        guard magic == TensorBundleTableBuilder.magic else {
            throw TensorBundleError.corrupt(
                file: file, offset: bytes.count - 8,
                message:
                    "bad magic number 0x\(hex64(magic)), expected 0x\(hex64(TensorBundleTableBuilder.magic))"
            )
        }
        var footer = TensorBundleByteCursor(
            bytes: bytes, file: file, start: footerStart, end: bytes.count - 8)
        _ = try readHandle(&footer, what: "metaindex handle", limit: footerStart)
        let index = try readHandle(&footer, what: "index handle", limit: footerStart)

        let indexEntries = try blockEntries(
            bytes: bytes, file: file, handle: index, name: "index block")
        var result: [Entry] = []
        var previousSeparator: [UInt8]?
        for indexEntry in indexEntries {
            var handleCursor = TensorBundleByteCursor(
                bytes: indexEntry.value, file: file, start: 0,
                end: indexEntry.value.count)
            let handle: (offset: Int, size: Int)
            do {
                handle = try readHandle(
                    &handleCursor, what: "data block handle", limit: footerStart)
            } catch TensorBundleError.corrupt(_, _, let message) {
                // Re-anchor the message at the index entry, since the value was copied out.
                throw TensorBundleError.corrupt(
                    file: file, offset: indexEntry.offset, message: message)
            }
            let blockStart = handle.offset
            let block = try blockEntries(
                bytes: bytes, file: file, handle: handle,
                name: "data block at byte \(blockStart)")
            for entry in block {
                if let last = result.last, !last.key.lexicographicallyPrecedes(entry.key) {
                    throw TensorBundleError.corrupt(
                        file: file, offset: entry.offset,
                        message:
                            "key \"\(printable(entry.key))\" is not greater than the previous key \"\(printable(last.key))\""
                    )
                }
                if let separator = previousSeparator,
                    !separator.lexicographicallyPrecedes(entry.key)
                {
                    throw TensorBundleError.corrupt(
                        file: file, offset: entry.offset,
                        message:
                            "key \"\(printable(entry.key))\" is not greater than the index key \"\(printable(separator))\" of the previous block"
                    )
                }
                result.append(entry)
            }
            if let last = block.last, indexEntry.key.lexicographicallyPrecedes(last.key) {
                throw TensorBundleError.corrupt(
                    file: file, offset: indexEntry.offset,
                    message:
                        "index key \"\(printable(indexEntry.key))\" is smaller than the last key \"\(printable(last.key))\" of its block"
                )
            }
            previousSeparator = indexEntry.key
        }
        return result
    }

    /// Reads a BlockHandle and checks that the block and its 5-byte trailer end before `limit`.
    private static func readHandle(
        _ cursor: inout TensorBundleByteCursor, what: String,
        limit: Int
    ) throws -> (offset: Int, size: Int) {
        let start = cursor.position
        let offset = try cursor.readVarint64("\(what) offset")
        let size = try cursor.readVarint64("\(what) size")
        guard offset <= UInt64(limit), size <= UInt64(limit), offset + size + 5 <= UInt64(limit)
        else {
            throw cursor.corrupt(
                "\(what) (offset \(offset), size \(size)) plus its 5-byte trailer ends past byte \(limit), the start of the footer",
                at: start)
        }
        return (Int(offset), Int(size))
    }

    /// Verifies a block's trailer and parses its entries.
    private static func blockEntries(
        bytes: [UInt8], file: String, handle: (offset: Int, size: Int),
        name: String
    ) throws -> [Entry] {
        let start = handle.offset
        let end = start + handle.size
        let type = bytes[end]
        guard type == 0 else {
            throw TensorBundleError.unsupported(
                file: file, offset: end,
                message: "\(name) has compression type \(type), expected 0 (uncompressed)")
        }
        var trailer = TensorBundleByteCursor(bytes: bytes, file: file, start: end + 1, end: end + 5)
        let stored = CRC32C.unmask(try trailer.readFixed32("block checksum"))
        let computed = bytes.withUnsafeBytes { raw in
            CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: raw[start...end]))
        }
        guard stored == computed else {
            throw TensorBundleError.corrupt(
                file: file, offset: start,
                message:
                    "block checksum mismatch in \(name) (bytes \(start)..<\(end)): stored 0x\(TensorBundleStringTensor.hex(stored)), computed 0x\(TensorBundleStringTensor.hex(computed))"
            )
        }
        guard handle.size >= 4 else {
            throw TensorBundleError.corrupt(
                file: file, offset: start,
                message: "\(name) is \(handle.size) bytes, expected at least 4 (restart count)")
        }
        var countCursor = TensorBundleByteCursor(bytes: bytes, file: file, start: end - 4, end: end)
        let restartCount = Int(try countCursor.readFixed32("restart count"))
        let maxRestarts = (handle.size - 4) / 4
        guard restartCount >= 1, restartCount <= maxRestarts else {
            throw TensorBundleError.corrupt(
                file: file, offset: end - 4,
                message:
                    "\(name) has \(restartCount) restart points, expected 1...\(maxRestarts) for its \(handle.size) bytes"
            )
        }
        let restartsStart = end - 4 - 4 * restartCount
        var restartCursor = TensorBundleByteCursor(
            bytes: bytes, file: file, start: restartsStart, end: end - 4)
        var restarts = Set<Int>()
        for index in 0..<restartCount {
            let at = restartCursor.position
            let restart = Int(try restartCursor.readFixed32("restart offset"))
            guard restart < restartsStart - start || (restart == 0 && restartsStart == start) else {
                throw TensorBundleError.corrupt(
                    file: file, offset: at,
                    message:
                        "restart \(index) of \(name) points to block byte \(restart), expected less than \(restartsStart - start)"
                )
            }
            restarts.insert(start + restart)
        }

        var cursor = TensorBundleByteCursor(
            bytes: bytes, file: file, start: start, end: restartsStart)
        var entries: [Entry] = []
        var key: [UInt8] = []
        while !cursor.isAtEnd {
            let entryStart = cursor.position
            let shared = try cursor.readVarint32("shared key length")
            let unshared = try cursor.readVarint32("unshared key length")
            let valueLength = try cursor.readVarint32("value length")
            guard shared <= key.count else {
                throw cursor.corrupt(
                    "entry shares \(shared) key bytes, expected at most \(key.count) (previous key length)",
                    at: entryStart)
            }
            if restarts.contains(entryStart) && shared != 0 {
                throw cursor.corrupt(
                    "entry at a restart point shares \(shared) key bytes, expected 0",
                    at: entryStart)
            }
            let suffix = try cursor.readBytes(unshared, "key suffix")
            let value = try cursor.readBytes(valueLength, "value")
            key = Array(key[..<shared]) + suffix
            entries.append(Entry(key: key, value: Array(value), offset: entryStart))
        }
        return entries
    }

    static func printable(_ key: [UInt8]) -> String {
        String(decoding: key, as: UTF8.self)
    }

    static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
