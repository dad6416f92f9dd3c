import Foundation
import GardenCRC32C
import TFProto

/// Reads a TensorFlow tensor bundle (`<prefix>.index` + `<prefix>.data-00000-of-00001`).
///
/// Opening parses and checks the whole index (footer magic, block checksums, restart arrays,
/// key order, header, every entry's bounds). Tensor reads check the entry's size and CRC.
/// Every defect becomes a ``TensorBundleError`` naming the file and byte offset.
///
/// ```swift
/// let bundle = try TensorBundleReader(prefix: dir.appendingPathComponent("variables/variables"))
/// let v = try bundle.tensorBytes(key: "v/.ATTRIBUTES/VARIABLE_VALUE")
/// ```
public struct TensorBundleReader {
    /// The header entry (key `""`).
    public let header: Tensorflow_BundleHeaderProto
    /// All tensor entries by key.
    public let entries: [String: TensorBundleEntry]
    /// Tensor keys in index (bytewise) order.
    public let keys: [String]

    private let indexName: String
    private let dataName: String
    private let data: Data

    /// Opens and validates a bundle.
    /// - Parameter prefix: the path without suffix, e.g. `<export_dir>/variables/variables`.
    /// - Throws: ``TensorBundleError``.
    public init(prefix: URL) throws {
        let directory = prefix.deletingLastPathComponent()
        let indexURL = directory.appendingPathComponent(prefix.lastPathComponent + ".index")
        let dataURL = directory.appendingPathComponent(
            prefix.lastPathComponent + ".data-00000-of-00001")
        let indexBytes: Data
        let dataBytes: Data
        do {
            indexBytes = try Data(contentsOf: indexURL)
        } catch {
            throw TensorBundleError.io(
                file: indexURL.lastPathComponent,
                message: "cannot read \(indexURL.path): \(error.localizedDescription)")
        }
        do {
            // Mapped, because data files can be hundreds of megabytes and are read piecewise.
            dataBytes = try Data(contentsOf: dataURL, options: .mappedIfSafe)
        } catch {
            throw TensorBundleError.io(
                file: dataURL.lastPathComponent,
                message: "cannot read \(dataURL.path): \(error.localizedDescription)")
        }
        try self.init(
            indexBytes: indexBytes, dataBytes: dataBytes,
            indexName: indexURL.lastPathComponent, dataName: dataURL.lastPathComponent)
    }

    /// Parses a bundle held in memory.
    /// - Parameters:
    ///   - indexBytes: contents of the `.index` file.
    ///   - dataBytes: contents of the data file.
    ///   - indexName: file name used in error messages.
    ///   - dataName: file name used in error messages.
    /// - Throws: ``TensorBundleError``.
    public init(
        indexBytes: Data, dataBytes: Data, indexName: String = "variables.index",
        dataName: String = "variables.data-00000-of-00001"
    ) throws {
        self.indexName = indexName
        self.dataName = dataName
        self.data = dataBytes
        let tableEntries = try TensorBundleTableReader.entries(
            of: [UInt8](indexBytes), file: indexName)
        guard let first = tableEntries.first, first.key.isEmpty else {
            throw TensorBundleError.corrupt(
                file: indexName, offset: tableEntries.first?.offset ?? 0,
                message:
                    "first key is \"\(TensorBundleTableReader.printable(tableEntries.first?.key ?? []))\", expected the empty header key"
            )
        }
        let header: Tensorflow_BundleHeaderProto
        do {
            header = try Tensorflow_BundleHeaderProto(serializedBytes: first.value)
        } catch {
            throw TensorBundleError.corrupt(
                file: indexName, offset: first.offset,
                message: "header is not a BundleHeaderProto: \(error)")
        }
        guard header.numShards == 1 else {
            throw TensorBundleError.unsupported(
                file: indexName, offset: first.offset,
                message: "header says \(header.numShards) shards, expected 1")
        }
        guard header.endianness == .little else {
            throw TensorBundleError.unsupported(
                file: indexName, offset: first.offset,
                message: "header says big-endian data, expected little-endian")
        }
        self.header = header

        var entries: [String: TensorBundleEntry] = [:]
        var keys: [String] = []
        for tableEntry in tableEntries.dropFirst() {
            let entry = try TensorBundleReader.parseEntry(
                tableEntry, indexName: indexName, dataName: dataName,
                dataSize: dataBytes.count)
            entries[entry.key] = entry
            keys.append(entry.key)
        }
        self.entries = entries
        self.keys = keys
    }

    /// The payload bytes of `key`, after checking size and CRC.
    ///
    /// For DT_STRING this is the raw encoded payload; use ``strings(key:)`` to decode it.
    /// - Throws: ``TensorBundleError`` if the key is unknown or the bytes are corrupt.
    public func tensorBytes(key: String) throws -> Data {
        let entry = try lookup(key)
        let bytes = payload(of: entry)
        if entry.dtype != .dtString {
            let computed = CRC32C.checksum(bytes)
            guard computed == entry.crc32c else {
                throw TensorBundleError.corrupt(
                    file: dataName, offset: entry.offset,
                    message:
                        "checksum mismatch for \(key) (bytes \(entry.offset)..<\(entry.offset + entry.size)): index says 0x\(TensorBundleStringTensor.hex(entry.crc32c)), computed 0x\(TensorBundleStringTensor.hex(computed))"
                )
            }
        } else {
            _ = try strings(key: key)
        }
        return bytes
    }

    /// Decodes a DT_STRING tensor into its elements (row-major), checking both checksums.
    /// - Throws: ``TensorBundleError`` if the key is unknown, not DT_STRING, or corrupt.
    public func strings(key: String) throws -> [Data] {
        let entry = try lookup(key)
        guard entry.dtype == .dtString else {
            throw TensorBundleError.invalidArgument(
                "\(key): dtype is \(entry.dtype), expected dtString")
        }
        var cursor = TensorBundleByteCursor(
            bytes: [UInt8](payload(of: entry)), file: dataName, start: 0,
            end: entry.size)
        do {
            return try TensorBundleStringTensor.decode(
                count: entry.elementCount, cursor: &cursor,
                expectedCRC: entry.crc32c, key: key)
        } catch TensorBundleError.corrupt(let file, let offset, let message) {
            // The cursor counts from the payload start; report file offsets.
            throw TensorBundleError.corrupt(
                file: file, offset: entry.offset + offset, message: message)
        }
    }

    private func lookup(_ key: String) throws -> TensorBundleEntry {
        guard let entry = entries[key] else {
            throw TensorBundleError.invalidArgument(
                "\(indexName): no tensor \"\(key)\"; the bundle has: \(keys.joined(separator: ", "))"
            )
        }
        return entry
    }

    private func payload(of entry: TensorBundleEntry) -> Data {
        // Bounds were checked against the data file when the entry was parsed.
        let start = data.startIndex + entry.offset
        return data.subdata(in: start..<(start + entry.size))
    }

    private static func parseEntry(
        _ tableEntry: TensorBundleTableReader.Entry, indexName: String,
        dataName: String, dataSize: Int
    ) throws -> TensorBundleEntry {
        let key = TensorBundleTableReader.printable(tableEntry.key)
        func corrupt(_ message: String) -> TensorBundleError {
            .corrupt(
                file: indexName, offset: tableEntry.offset, message: "entry \(key): \(message)")
        }
        let proto: Tensorflow_BundleEntryProto
        do {
            proto = try Tensorflow_BundleEntryProto(serializedBytes: tableEntry.value)
        } catch {
            throw corrupt("value is not a BundleEntryProto: \(error)")
        }
        guard String(bytes: tableEntry.key, encoding: .utf8) != nil else {
            throw corrupt("key is not valid UTF-8")
        }
        // Field 7 (slices) is outside our proto subset and lands in unknownFields.
        guard proto.unknownFields.data.isEmpty else {
            throw TensorBundleError.unsupported(
                file: indexName, offset: tableEntry.offset,
                message: "entry \(key) has fields we do not read (sliced variable?)")
        }
        guard proto.shardID == 0 else {
            throw TensorBundleError.unsupported(
                file: indexName, offset: tableEntry.offset,
                message: "entry \(key) is in shard \(proto.shardID), expected 0")
        }
        var shape: [Int] = []
        var elements = 1
        for dim in proto.shape.dim {
            guard dim.size >= 0, dim.size <= Int64(Int32.max) else {
                throw corrupt("dimension \(dim.size), expected 0...\(Int32.max)")
            }
            shape.append(Int(dim.size))
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(dim.size))
            guard !overflow else { throw corrupt("shape \(shape) has too many elements") }
            elements = product
        }
        guard proto.offset >= 0, proto.size >= 0, proto.offset <= Int64(dataSize),
            proto.size <= Int64(dataSize) - proto.offset
        else {
            throw corrupt(
                "bytes \(proto.offset)..<\(proto.offset + proto.size) lie outside \(dataName) (\(dataSize) bytes)"
            )
        }
        if let elementSize = proto.dtype.bundleElementSize {
            let (expected, overflow) = elements.multipliedReportingOverflow(by: elementSize)
            guard !overflow, Int64(expected) == proto.size else {
                throw corrupt(
                    "stored size \(proto.size), expected \(elements) × \(elementSize) = \(expected) for \(proto.dtype) \(shape)"
                )
            }
        } else if proto.dtype != .dtString {
            throw TensorBundleError.unsupported(
                file: indexName, offset: tableEntry.offset,
                message: "entry \(key) has dtype \(proto.dtype), which has no payload layout here")
        }
        return TensorBundleEntry(
            key: key, dtype: proto.dtype, shape: shape, offset: Int(proto.offset),
            size: Int(proto.size), crc32c: CRC32C.unmask(proto.crc32C))
    }
}
