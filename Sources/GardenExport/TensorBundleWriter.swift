import Foundation
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
    private var data: [UInt8] = []

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
        let payload = [UInt8](bytes)
        append(
            key: key, dtype: dtype, shape: shape, payload: payload, crc: CRC32C.checksum(payload))
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
            key: key, dtype: .dtString, shape: shape, payload: encoded.payload, crc: encoded.crc32c)
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
        Data(data)
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
            dataFileBytes(),
            to: directory.appendingPathComponent(base + ".data-00000-of-00001"))
        try TensorBundleWriter.atomicWrite(
            indexFileBytes(), to: directory.appendingPathComponent(base + ".index"))
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
        key: String, dtype: Tensorflow_DataType, shape: [Int], payload: [UInt8],
        crc: UInt32
    ) {
        entries[key] = TensorBundleEntry(
            key: key, dtype: dtype, shape: shape, offset: data.count,
            size: payload.count, crc32c: crc)
        data += payload
    }

    private static func atomicWrite(_ contents: Data, to url: URL) throws {
        let name = url.lastPathComponent
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(name).tmp-\(UUID().uuidString)")
        do {
            try contents.write(to: temporary)
        } catch {
            throw TensorBundleError.io(
                file: name, message: "cannot write \(temporary.path): \(error.localizedDescription)"
            )
        }
        // rename(2) replaces the target atomically within one file system.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TensorBundleError.io(
                file: name, message: "cannot rename \(temporary.path) to \(url.path): \(reason)")
        }
    }
}
