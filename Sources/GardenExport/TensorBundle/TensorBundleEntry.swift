import Foundation
import TFProto

/// One tensor of a bundle as `variables.index` describes it.
public struct TensorBundleEntry: Equatable, Sendable {
    /// The checkpoint key, e.g. `v/.ATTRIBUTES/VARIABLE_VALUE`.
    public var key: String
    /// Element type.
    public var dtype: Tensorflow_DataType
    /// Dimensions, outermost first; `[]` for a scalar.
    public var shape: [Int]
    /// Byte offset of the payload in the data file.
    public var offset: Int
    /// Payload size in bytes.
    public var size: Int
    /// Unmasked CRC-32C of the payload (for DT_STRING: TF's chained string checksum).
    public var crc32c: UInt32

    /// Number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int {
        shape.reduce(1, *)
    }

    /// Creates an entry.
    /// - Parameters:
    ///   - key: the checkpoint key.
    ///   - dtype: element type.
    ///   - shape: dimensions, `[]` for a scalar.
    ///   - offset: payload offset in the data file.
    ///   - size: payload size in bytes.
    ///   - crc32c: unmasked payload checksum.
    public init(
        key: String, dtype: Tensorflow_DataType, shape: [Int], offset: Int, size: Int,
        crc32c: UInt32
    ) {
        self.key = key
        self.dtype = dtype
        self.shape = shape
        self.offset = offset
        self.size = size
        self.crc32c = crc32c
    }
}
