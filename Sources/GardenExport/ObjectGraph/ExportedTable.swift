import Foundation
import GardenTensor
import TFProto

/// A `tf.lookup.StaticHashTable` filled from a text-file asset (`TextFileInitializer` with
/// `WHOLE_LINE` keys and `LINE_NUMBER` values): the vocabulary lookup of the tokenizer graph.
///
/// In the SavedModel it is what TensorFlow writes for one (savedmodel-format.md §8,
/// docs/export-format.md): a `resource` node under the root, named `table.name`, whose children
/// `_create_resource` (a `HashTableV2`), `_initialize` (`InitializeTableFromTextFileV2` over the
/// asset's path) and `_destroy_resource` are no-argument functions. The Python loader creates
/// and initialises the table through them; TensorFlow's C++ loader runs the same initializer
/// through `signature_def["__saved_model_init_op"]` (``ServingGraph``). Functions that look up
/// ids capture `table` (a trailing `DT_RESOURCE` argument bound to the node).
public struct ExportedTable {
    /// The table; `table.name` is its root attribute (e.g. `vocab_table`).
    public var table: GraphResource
    /// The asset it is filled from; `asset.name` names one of the spec's `assets`.
    public var asset: GraphResource
    /// `HashTableV2`'s `shared_name`: TensorFlow shares a table of that name within a process, so
    /// it must differ between vocabularies (TF puts the vocabulary's path in it; we put a
    /// fingerprint of its bytes, which is stable across machines).
    public var sharedName: String

    public init(table: GraphResource, asset: GraphResource, sharedName: String) {
        self.table = table; self.asset = asset; self.sharedName = sharedName
    }

    /// A table over the vocabulary `contents` of asset `asset` (string keys, int64 values).
    public init(name: String, asset: String, contents: Data) {
        self.init(
            table: GraphResource(name: name, argumentType: .resource),
            asset: GraphResource(name: asset, argumentType: .tensor(.string)),
            sharedName:
                "hash_table_\(String(FarmHash.fingerprint64([UInt8](contents)), radix: 16))_-2_-1")
    }

    /// `_create_resource`: `HashTableV2` (string → int64), returning its handle.
    func creator(name: String) -> Tensorflow_FunctionDef {
        var def = Self.function(name, inputs: [], output: .dtResource)
        def.nodeDef = [
            Self.node(
                "hash_table", "HashTableV2", [],
                [
                    "key_dtype": .type(.string), "value_dtype": .type(.int64),
                    "shared_name": .string(sharedName),
                ])
        ]
        def.ret["identity"] = "hash_table:table_handle:0"
        return def
    }

    /// `_initialize(asset_path, table)`: reads the file, key = whole line (-2), value = line
    /// number (-1); returns 1 after the initialisation ran.
    func initializer(name: String) -> Tensorflow_FunctionDef {
        var def = Self.function(
            name, inputs: [("asset_path", .dtString), ("table_handle", .dtResource)],
            output: .dtInt32)
        let initialize = "InitializeTableFromTextFileV2"
        def.nodeDef = [
            Self.node(
                initialize, initialize, ["table_handle", "asset_path"],
                ["key_index": .int(-2), "value_index": .int(-1)]),
            Self.node(
                "Const", "Const", [],
                ["dtype": .type(.int32), "value": .tensor(GraphConstant(ints: [1], shape: []))]),
            Self.node(
                "Identity", "Identity", ["Const:output:0", "^" + initialize], ["T": .type(.int32)]),
        ]
        def.ret["identity"] = "Identity:output:0"
        def.signature.controlOutput = [initialize]
        def.controlRet[initialize] = initialize
        return def
    }

    /// `_destroy_resource`: nothing to do (the table lives as long as its resource manager).
    static func destroyer(name: String) -> Tensorflow_FunctionDef {
        var def = function(name, inputs: [], output: .dtInt32)
        def.nodeDef = [
            node(
                "Const", "Const", [],
                ["dtype": .type(.int32), "value": .tensor(GraphConstant(ints: [1], shape: []))])
        ]
        def.ret["identity"] = "Const:output:0"
        return def
    }

    private static func function(
        _ name: String, inputs: [(String, Tensorflow_DataType)], output: Tensorflow_DataType
    ) -> Tensorflow_FunctionDef {
        var def = Tensorflow_FunctionDef()
        def.signature.name = name
        def.signature.inputArg = inputs.map { FunctionDefLowering.argDef($0.0, $0.1) }
        def.signature.outputArg = [FunctionDefLowering.argDef("identity", output)]
        def.signature.isStateful = true
        return def
    }

    private static func node(
        _ name: String, _ op: String, _ inputs: [String], _ attrs: [String: GraphAttr]
    ) -> Tensorflow_NodeDef {
        var def = Tensorflow_NodeDef()
        def.name = name
        def.op = op
        def.input = inputs
        for (key, attr) in attrs { def.attr[key] = attr.attrValue }
        return def
    }
}
