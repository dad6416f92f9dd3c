import Foundation
import SwiftProtobuf

/// Deterministic protobuf serialization: swift-protobuf maps are Swift dictionaries, whose
/// iteration order changes from process to process, so map entries must be sorted by key or two
/// exports of the same spec would differ.
public enum SavedModelSerialization {
    /// Binary encoding with map entries sorted by key.
    static let options: BinaryEncodingOptions = {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return options
    }()

    /// The deterministic binary encoding of `message`.
    public static func bytes<M: SwiftProtobuf.Message>(_ message: M) throws -> Data {
        try message.serializedBytes(options: options)
    }
}
