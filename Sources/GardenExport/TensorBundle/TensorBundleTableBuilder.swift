import GardenCRC32C
import TFProto

/// Writes a LevelDB-format sorted table (uncompressed) exactly as TensorFlow's
/// `table::TableBuilder` does for `variables.index`.
///
/// Layout: data blocks, an empty metaindex block, the index block (one entry per data block,
/// keyed by the shortest separator between blocks), then the 48-byte footer. Matching TF's
/// choices (block size 262144, restart interval 16, index restart interval 1) makes our
/// index files byte-identical to TF's for the same entries.
struct TensorBundleTableBuilder {
    static let blockSize = 262_144
    static let restartInterval = 16
    static let magic: UInt64 = 0xDB47_7524_8B80_FB57
    static let footerSize = 48

    private(set) var output: [UInt8] = []
    private var dataBlock = TensorBundleBlockBuilder(restartInterval: restartInterval)
    private var indexBlock = TensorBundleBlockBuilder(restartInterval: 1)
    private var lastKey: [UInt8] = []
    /// Handle of the last flushed data block, whose index entry waits for the next key so
    /// that a short separator can be chosen.
    private var pendingHandle: (offset: Int, size: Int)?

    /// Adds an entry; keys must arrive in strictly increasing bytewise order (the bundle
    /// writer sorts them).
    mutating func add(key: [UInt8], value: [UInt8]) {
        if let handle = pendingHandle {
            let separator = TensorBundleTableBuilder.shortestSeparator(lastKey, key)
            indexBlock.add(key: separator, value: TensorBundleTableBuilder.encodeHandle(handle))
            pendingHandle = nil
        }
        lastKey = key
        dataBlock.add(key: key, value: value)
        if dataBlock.currentSizeEstimate >= TensorBundleTableBuilder.blockSize {
            flush()
        }
    }

    /// Writes the remaining blocks and the footer and returns the whole file.
    mutating func finish() -> [UInt8] {
        flush()
        // TF writes no filters or other meta blocks, so the metaindex block is always empty.
        var metaindexBlock = TensorBundleBlockBuilder(
            restartInterval: TensorBundleTableBuilder.restartInterval)
        let metaHandle = writeBlock(metaindexBlock.finish())
        if let handle = pendingHandle {
            let successor = TensorBundleTableBuilder.shortSuccessor(lastKey)
            indexBlock.add(key: successor, value: TensorBundleTableBuilder.encodeHandle(handle))
            pendingHandle = nil
        }
        let indexHandle = writeBlock(indexBlock.finish())
        var footer = TensorBundleTableBuilder.encodeHandle(metaHandle)
        footer += TensorBundleTableBuilder.encodeHandle(indexHandle)
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        TensorBundleBlockBuilder.appendFixed32(
            UInt32(truncatingIfNeeded: TensorBundleTableBuilder.magic), to: &footer)
        TensorBundleBlockBuilder.appendFixed32(
            UInt32(truncatingIfNeeded: TensorBundleTableBuilder.magic >> 32), to: &footer)
        output += footer
        return output
    }

    private mutating func flush() {
        guard !dataBlock.isEmpty else { return }
        pendingHandle = writeBlock(dataBlock.finish())
    }

    /// Appends block + trailer (compression type 0, masked CRC of block and type byte).
    private mutating func writeBlock(_ block: [UInt8]) -> (offset: Int, size: Int) {
        let handle = (offset: output.count, size: block.count)
        output += block
        let type: [UInt8] = [0]
        let crc = CRC32C.extend(CRC32C.checksum(block), type)
        output += type
        TensorBundleBlockBuilder.appendFixed32(CRC32C.mask(crc), to: &output)
        return handle
    }

    static func encodeHandle(_ handle: (offset: Int, size: Int)) -> [UInt8] {
        var bytes: [UInt8] = []
        TensorBundleBlockBuilder.appendVarint(UInt64(handle.offset), to: &bytes)
        TensorBundleBlockBuilder.appendVarint(UInt64(handle.size), to: &bytes)
        return bytes
    }

    /// LevelDB's BytewiseComparator::FindShortestSeparator: a short key k with
    /// start <= k < limit, made by bumping the first differing byte of `start`.
    static func shortestSeparator(_ start: [UInt8], _ limit: [UInt8]) -> [UInt8] {
        let minLength = min(start.count, limit.count)
        var diff = 0
        while diff < minLength && start[diff] == limit[diff] {
            diff += 1
        }
        // One key is a prefix of the other: nothing shorter is possible.
        guard diff < minLength else { return start }
        let byte = start[diff]
        guard byte < 0xFF, byte + 1 < limit[diff] else { return start }
        var separator = Array(start[..<(diff + 1)])
        separator[diff] = byte + 1
        return separator
    }

    /// LevelDB's BytewiseComparator::FindShortSuccessor: the shortest key >= `key`, made by
    /// bumping its first byte that is not 0xFF.
    static func shortSuccessor(_ key: [UInt8]) -> [UInt8] {
        for (index, byte) in key.enumerated() where byte != 0xFF {
            var successor = Array(key[..<(index + 1)])
            successor[index] = byte + 1
            return successor
        }
        return key
    }
}
