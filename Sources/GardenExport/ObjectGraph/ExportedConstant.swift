import Foundation
import TFProto

/// A non-trainable variable that no function reads, stored as raw bytes: metadata such as BERT's
/// `do_lower_case`, whose dtype (`DT_BOOL`) the `Tensor` type cannot hold.
///
/// It appears in `variables` (not `trainable_variables`) and as a root attribute named `name`.
public struct ExportedConstant {
    public var name: String
    public var dtype: Tensorflow_DataType
    public var shape: [Int]
    /// The little-endian element bytes, as the tensor bundle stores them.
    public var bytes: Data

    public init(name: String, dtype: Tensorflow_DataType, shape: [Int], bytes: Data) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.bytes = bytes
    }

    /// A scalar `DT_BOOL` (one byte, 0 or 1).
    public static func bool(_ name: String, _ value: Bool) -> ExportedConstant {
        ExportedConstant(name: name, dtype: .dtBool, shape: [], bytes: Data([value ? 1 : 0]))
    }
}
