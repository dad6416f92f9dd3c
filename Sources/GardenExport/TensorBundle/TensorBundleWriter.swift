import Foundation
import GardenCRC32C
import TFProto

/// Writes a TensorFlow tensor bundle: `<prefix>.index` and `<prefix>.data-00000-of-00001`,
/// the pair `tf.train.load_checkpoint` and the SavedModel loader read from `variables/`.
///
/// Payloads go to the data file back to back in the order they were added; the index lists
/// them sorted by key after the header entry `""`. With the same entries added in the same
/// order as TensorFlow added them, both files are byte-identical to TF's.
///
/// ```swift
/// var writer = TensorBundleWriter()
/// try writer.add(key: "v/.ATTRIBUTES/VARIABLE_VALUE", dtype: .dtFloat, shape: [],
///                bytes: [0x00, 0x00, 0x00, 0x40])
/// try writer.write(prefix: exportDir.appendingPathComponent("variables/variables"))
/// ```
public struct TensorBundleWriter {
    private var entries: [String: TensorBundleEntry] = [:]
    /// The payloads in data-file order, kept apart and written one after the other: a BERT-base
    /// bundle is 440 MB, and concatenating it in memory cost two extra copies of that.
    private var payloads: [Payload] = []

    /// A payload's storage: bytes, or a float tensor's own array, written as its little-endian
    /// bytes without a byte copy (copying BERT-base's floats into byte arrays was ~1/3 of the
    /// assembler's time: docs/performance.md).
    private enum Payload {
        case bytes([UInt8])
        case floats([Float])

        var count: Int {
            switch self {
            case .bytes(let b): return b.count
            case .floats(let f): return f.count * MemoryLayout<Float>.size
            }
        }

        func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            switch self {
            case .bytes(let b): return b.withUnsafeBytes(body)
            case .floats(let f): return f.withUnsafeBytes(body)
            }
        }
    }
    private var dataSize = 0

    /// Creates an empty bundle.
    public init() {}

    /// The keys added so far, in add order of their payloads.
    public var keys: [String] {
        entries.values.sorted { $0.offset < $1.offset }.map(\.key)
    }

    /// Adds a fixed-size tensor (anything but DT_STRING).
    ///
    /// - Parameters:
    ///   - key: checkpoint key; not empty (`""` is the header), not added before.
    ///   - dtype: element type; must have a fixed element size.
    ///   - shape: dimensions, `[]` for a scalar; `bytes` holds their product of elements.
    ///   - bytes: row-major little-endian element bytes (DT_BOOL: one byte 0/1 per element).
    /// - Throws: ``TensorBundleError/invalidArgument(_:)`` for a bad key, dtype or byte count.
    public mutating func add<Bytes: DataProtocol>(
        key: String, dtype: Tensorflow_DataType, shape: [Int],
        bytes: Bytes
    ) throws {
        try checkNew(key: key, shape: shape)
        guard let elementSize = dtype.bundleElementSize else {
            throw TensorBundleError.invalidArgument(
                "\(key): dtype \(dtype) has no fixed element size; use addString for DT_STRING")
        }
        let expected = shape.reduce(1, *) * elementSize
        guard bytes.count == expected else {
            throw TensorBundleError.invalidArgument(
                "\(key): shape \(shape) of \(dtype) needs \(expected) bytes, found \(bytes.count)")
        }
        // `Tensor.bytes` is already an array: take it as is rather than copying it again.
        let payload = bytes as? [UInt8] ?? [UInt8](bytes)
        append(
            key: key, dtype: dtype, shape: shape, payload: .bytes(payload),
            crc: CRC32C.checksum(payload))
    }

    /// Adds a DT_FLOAT tensor from its values, whose bytes (little-endian, as on every platform
    /// this runs on) are written straight from `floats`: the same file as `add(key:dtype:shape:
    /// bytes:)` with `Tensor.bytes`, without that copy.
    /// - Throws: ``TensorBundleError/invalidArgument(_:)`` for a bad key or value count.
    public mutating func add(key: String, shape: [Int], floats: [Float]) throws {
        try checkNew(key: key, shape: shape)
        guard floats.count == shape.reduce(1, *) else {
            throw TensorBundleError.invalidArgument(
                "\(key): shape \(shape) of DT_FLOAT needs \(shape.reduce(1, *)) values, "
                    + "found \(floats.count)")
        }
        let crc = floats.withUnsafeBytes { CRC32C.extend(0, $0) }
        append(key: key, dtype: .dtFloat, shape: shape, payload: .floats(floats), crc: crc)
    }

    /// Adds a DT_STRING tensor (TF's `_CHECKPOINTABLE_OBJECT_GRAPH` is a scalar string).
    ///
    /// - Parameters:
    ///   - key: checkpoint key; not empty, not added before.
    ///   - strings: the elements in row-major order.
    ///   - shape: dimensions; nil means a scalar for one string, else a vector.
    /// - Throws: ``TensorBundleError/invalidArgument(_:)`` for a bad key or a shape that does
    ///   not hold `strings.count` elements.
    public mutating func addString(key: String, strings: [Data], shape: [Int]? = nil) throws {
        let shape = shape ?? (strings.count == 1 ? [] : [strings.count])
        try checkNew(key: key, shape: shape)
        guard shape.reduce(1, *) == strings.count else {
            throw TensorBundleError.invalidArgument(
                "\(key): shape \(shape) holds \(shape.reduce(1, *)) strings, found \(strings.count)"
            )
        }
        let encoded = TensorBundleStringTensor.encode(strings)
        append(
            key: key, dtype: .dtString, shape: shape, payload: .bytes(encoded.payload),
            crc: encoded.crc32c)
    }

    /// The contents of `<prefix>.index`.
    public func indexFileBytes() -> Data {
        var table = TensorBundleTableBuilder()
        var header = Tensorflow_BundleHeaderProto()
        header.numShards = 1
        header.endianness = .little
        header.version.producer = 1
        // Serializing our own in-memory protos cannot fail; an empty value would only hide a bug.
        table.add(key: [], value: [UInt8]((try? header.serializedData()) ?? Data()))
        let sorted = entries.keys.sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        for key in sorted {
            guard let entry = entries[key] else { continue }
            var proto = Tensorflow_BundleEntryProto()
            proto.dtype = entry.dtype
            proto.shape = Tensorflow_TensorShapeProto.with { shapeProto in
                shapeProto.dim = entry.shape.map { size in
                    Tensorflow_TensorShapeProto.Dim.with { $0.size = Int64(size) }
                }
            }
            proto.offset = Int64(entry.offset)
            proto.size = Int64(entry.size)
            proto.crc32C = CRC32C.mask(entry.crc32c)
            table.add(key: Array(key.utf8), value: [UInt8]((try? proto.serializedData()) ?? Data()))
        }
        return Data(table.finish())
    }

    /// The contents of `<prefix>.data-00000-of-00001`.
    public func dataFileBytes() -> Data {
        var data = Data(capacity: dataSize)
        for payload in payloads { payload.withUnsafeBytes { data.append(contentsOf: $0) } }
        return data
    }

    /// Writes `<prefix>.data-00000-of-00001`, then `<prefix>.index`.
    ///
    /// Each file is written to a temporary file in the same directory and renamed over the
    /// target, so readers never see a half-written file. The data file goes first because
    /// the index refers to it.
    /// - Parameter prefix: e.g. `<export_dir>/variables/variables`; its directory must exist.
    /// - Throws: ``TensorBundleError/io(file:message:)``.
    public func write(prefix: URL) throws {
        let directory = prefix.deletingLastPathComponent()
        let base = prefix.lastPathComponent
        try TensorBundleWriter.atomicWrite(
            payloads, to: directory.appendingPathComponent(base + ".data-00000-of-00001"))
        try TensorBundleWriter.atomicWrite(
            [.bytes([UInt8](indexFileBytes()))],
            to: directory.appendingPathComponent(base + ".index"))
    }

    private func checkNew(key: String, shape: [Int]) throws {
        guard !key.isEmpty else {
            throw TensorBundleError.invalidArgument(
                "the empty key is reserved for the bundle header")
        }
        guard entries[key] == nil else {
            throw TensorBundleError.invalidArgument("\(key): added twice")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorBundleError.invalidArgument(
                "\(key): shape \(shape) has a negative dimension")
        }
    }

    private mutating func append(
        key: String, dtype: Tensorflow_DataType, shape: [Int], payload: Payload,
        crc: UInt32
    ) {
        entries[key] = TensorBundleEntry(
            key: key, dtype: dtype, shape: shape, offset: dataSize,
            size: payload.count, crc32c: crc)
        payloads.append(payload)
        dataSize += payload.count
    }

    /// Files of at least this many bytes are written with ``DirectFileWriter`` (BERT-base's data
    /// file, 440 MB); smaller ones with plain `write(2)`, where the page cache costs little.
    static let directMinimumBytes = 32 << 20
    /// The size of each of the direct writer's two staging buffers.
    static let directStageBytes = 8 << 20

    /// Writes `chunks` back to back into a temporary file, then renames it to `url`.
    private static func atomicWrite(_ chunks: [Payload], to url: URL) throws {
        let name = url.lastPathComponent
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(name).tmp-\(UUID().uuidString)")
        if let reason = writeChunks(
            chunks, to: temporary.path, directMinimumBytes: directMinimumBytes,
            stageBytes: directStageBytes)
        {
            try? FileManager.default.removeItem(at: temporary)
            throw TensorBundleError.io(
                file: name, message: "cannot write \(temporary.path): \(reason)")
        }
        // rename(2) replaces the target atomically within one file system.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TensorBundleError.io(
                file: name, message: "cannot rename \(temporary.path) to \(url.path): \(reason)")
        }
    }

    /// Writes `chunks` to a new file at `path`, with ``DirectFileWriter`` from
    /// `directMinimumBytes` bytes on; returns the reason on failure.
    private static func writeChunks(
        _ chunks: [Payload], to path: String, directMinimumBytes: Int, stageBytes: Int
    ) -> String? {
        chunks.reduce(0) { $0 + $1.count } >= directMinimumBytes
            ? writeDirect(chunks, to: path, stageBytes: stageBytes)
            : writeFile(chunks, to: path)
    }

    /// Writes `chunks` to a new file at `path` straight from their buffers (write(2), no copy);
    /// returns the reason on failure.
    private static func writeFile(_ chunks: [Payload], to path: String) -> String? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var failure: String?
        for chunk in chunks where failure == nil {
            if let error = chunk.withUnsafeBytes({ writeFully(fd, $0).error }) {
                failure = String(cString: strerror(error))
            }
        }
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    /// Writes `chunks` to a new file at `path` around the page cache (``DirectFileWriter``);
    /// returns the reason on failure.
    private static func writeDirect(_ chunks: [Payload], to path: String, stageBytes: Int)
        -> String?
    {
        switch DirectFileWriter.open(path: path, stageBytes: stageBytes) {
        case .failure(let failure): return failure.reason
        case .success(let file):
            for chunk in chunks { chunk.withUnsafeBytes { file.append($0) } }
            return file.finish()
        }
    }

    /// Writes the data file to `url` (not through a temporary file) as ``write(prefix:)`` does,
    /// with the direct writer's size threshold and staging buffers given (tests take both small).
    func writeDataFile(to url: URL, directMinimumBytes: Int, stageBytes: Int) -> String? {
        Self.writeChunks(
            payloads, to: url.path, directMinimumBytes: directMinimumBytes, stageBytes: stageBytes)
    }
}
