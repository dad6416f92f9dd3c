import Foundation
import GardenTensor
import TFProto

/// The TF1 / TF Serving side of an export (§13): the outer `GraphDef` nodes, `saver_def` and
/// `signature_def`, which `saved_model_cli run`, TF1 sessions and TF Serving use instead of the
/// object graph.
///
/// Outer graph: one `VarHandleOp` per variable, one `Placeholder` `serving_default_<key>` per
/// signature input, a `StatefulPartitionedCall` of the signature function (placeholders in
/// sorted key order, then the variable handles in the callee's capture order), and a restore
/// graph `saver_filename` → `RestoreV2` → `AssignVariableOp`s → `NoOp restore_all` that the TF1
/// loader runs with `<export>/variables/variables` fed to `saver_filename:0`. Each asset gets a
/// string `Placeholder` `asset_path_initializer[_i]` that its `asset_file_def.tensor_info` names:
/// TF's C++ loader feeds the asset's path to that tensor, and fails when it is not in the graph.
/// Outer-graph tensor names use GraphDef syntax (`RestoreV2:1`), not the FunctionDef one.
public enum ServingGraph {
    /// A variable as the outer graph needs it.
    public struct Variable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public var checkpointKey: String

        public init(name: String, dtype: DType, shape: [Int], checkpointKey: String) {
            self.name = name; self.dtype = dtype; self.shape = shape;
            self.checkpointKey = checkpointKey
        }
    }

    /// The signature served: its key, FunctionDef and structure.
    public struct Signature {
        public var key: String
        public var functionName: String
        /// Inputs in flattened (sorted-key) order.
        public var inputs: [TensorSpec]
        /// Output keys and specs in flattened order.
        public var outputKeys: [String]
        public var outputs: [TensorSpec]
        /// Indices into the variables list, in the function's resource-argument order.
        public var captures: [Int]
        /// Indices into the tables list, in the function's argument order (after `captures`).
        public var tables: [Int] = []

        public init(
            key: String, functionName: String, inputs: [TensorSpec],
            outputKeys: [String], outputs: [TensorSpec], captures: [Int]
        ) {
            self.key = key; self.functionName = functionName; self.inputs = inputs
            self.outputKeys = outputKeys; self.outputs = outputs; self.captures = captures
        }
    }

    /// A lookup table as the outer graph needs it (``ExportedTable``).
    public struct Table {
        public var name: String
        public var sharedName: String
        /// The table's `_initialize` FunctionDef.
        public var initializer: String
        /// The asset it reads (index into the assets).
        public var assetIndex: Int

        public init(name: String, sharedName: String, initializer: String, assetIndex: Int) {
            self.name = name; self.sharedName = sharedName; self.initializer = initializer
            self.assetIndex = assetIndex
        }
    }

    /// What `build` produces.
    public struct Built {
        public var nodes: [Tensorflow_NodeDef]
        /// Nil when there is nothing to restore (RestoreV2 needs at least one tensor).
        public var saverDef: Tensorflow_SaverDef?
        /// By key; with tables also `__saved_model_init_op`.
        public var signatureDefs: [String: Tensorflow_SignatureDef]
        /// The tensor each asset's `asset_file_def` names, in asset order.
        public var assetTensorNames: [String]
    }

    /// The name of the restore op in `saver_def`.
    public static let restoreOpName = "restore_all"
    /// The string placeholder fed with the checkpoint prefix.
    public static let filenameNodeName = "saver_filename"

    /// The asset path placeholders' name (TF's).
    public static let assetNodeName = "asset_path_initializer"

    /// The init op the C++ loader runs after restoring (with the asset paths fed): it fills the
    /// tables. Named in `signature_def["__saved_model_init_op"]`, as TF 2 writes it.
    public static let initOpName = "init_all_tables"
    public static let initOpKey = "__saved_model_init_op"

    /// Builds the outer graph for `variables`, the `signatures`, `assetCount` assets and
    /// `tables`.
    public static func build(
        variables: [Variable], signatures: [Signature], assetCount: Int = 0,
        tables: [Table] = []
    ) -> Built {
        var names = Set([
            restoreOpName, filenameNodeName, "RestoreV2", "RestoreV2/tensor_names",
            "RestoreV2/shape_and_slices", "StatefulPartitionedCall",
        ])
        var nodes: [Tensorflow_NodeDef] = []
        let assetTensorNames = (0..<assetCount).map { _ -> String in
            let name = unique(assetNodeName, &names)
            nodes.append(
                node(
                    name, "Placeholder", [],
                    [
                        "dtype": typeAttr(.dtString), "shape": shapeAttr(Shape([])),
                    ]))
            return "\(name):0"
        }
        let handles = variables.map { variable -> String in
            let name = unique(nodeName(variable.name), &names)
            nodes.append(
                node(
                    name, "VarHandleOp", [],
                    [
                        "dtype": typeAttr(variable.dtype.tfDataType),
                        "shape": shapeAttr(Shape(variable.shape)),
                        "shared_name": stringAttr(variable.name),
                    ]))
            return name
        }

        let tableHandles = tables.map { table -> String in
            let name = unique(nodeName(table.name), &names)
            nodes.append(
                node(
                    name, "HashTableV2", [],
                    [
                        "key_dtype": typeAttr(.dtString), "value_dtype": typeAttr(.dtInt64),
                        "shared_name": stringAttr(table.sharedName),
                    ]))
            return name
        }

        var signatureDefs: [String: Tensorflow_SignatureDef] = [:]
        for (i, signature) in signatures.enumerated() {
            // The first call's name is reserved above (exports with one signature keep theirs).
            let callName =
                i == 0 ? "StatefulPartitionedCall" : unique("StatefulPartitionedCall", &names)
            var def = Tensorflow_SignatureDef()
            def.methodName = "tensorflow/serving/predict"
            var placeholders: [String] = []
            for input in signature.inputs {
                let name = unique(nodeName("\(signature.key)_\(input.name)"), &names)
                nodes.append(
                    node(
                        name, "Placeholder", [],
                        [
                            "dtype": typeAttr(input.dtype.tfDataType),
                            "shape": shapeAttr(input.shape),
                        ]))
                placeholders.append(name)
                def.inputs[input.name] = tensorInfo("\(name):0", input)
            }
            let captured =
                signature.captures.map { handles[$0] } + signature.tables.map { tableHandles[$0] }
            nodes.append(
                node(
                    callName, "StatefulPartitionedCall", placeholders + captured,
                    [
                        "Tin": SignatureWrapper.typeList(
                            signature.inputs.map { $0.dtype.tfDataType }
                                + captured.map { _ in .dtResource }),
                        "Tout": SignatureWrapper.typeList(
                            signature.outputs.map { $0.dtype.tfDataType }),
                        "f": functionAttr(signature.functionName),
                        FunctionShapes.outputShapes: FunctionShapes.shapeList(
                            signature.outputs.map(\.shape)),
                    ]))
            for (i, (key, output)) in zip(signature.outputKeys, signature.outputs).enumerated() {
                def.outputs[key] = tensorInfo("\(callName):\(i)", output)
            }
            signatureDefs[signature.key] = def
        }
        if !tables.isEmpty {
            nodes += initNodes(tables, handles: tableHandles, assets: assetTensorNames, &names)
            var info = Tensorflow_TensorInfo()
            info.name = initOpName
            info.tensorShape = Shape.unknownRank.tensorShapeProto
            var def = Tensorflow_SignatureDef()
            def.outputs[initOpKey] = info
            signatureDefs[initOpKey] = def
        }

        guard !variables.isEmpty else {
            return Built(
                nodes: nodes, saverDef: nil, signatureDefs: signatureDefs,
                assetTensorNames: assetTensorNames)
        }
        nodes += restoreNodes(variables: variables, handles: handles)
        var saver = Tensorflow_SaverDef()
        saver.filenameTensorName = "\(filenameNodeName):0"
        saver.saveTensorName = "\(filenameNodeName):0"
        saver.restoreOpName = restoreOpName
        saver.version = .v2
        return Built(
            nodes: nodes, saverDef: saver, signatureDefs: signatureDefs,
            assetTensorNames: assetTensorNames)
    }

    /// One call of each table's initializer on (asset path placeholder, table handle), and the
    /// `init_all_tables` NoOp that depends on them all.
    static func initNodes(
        _ tables: [Table], handles: [String], assets: [String], _ names: inout Set<String>
    ) -> [Tensorflow_NodeDef] {
        var nodes: [Tensorflow_NodeDef] = []
        for (table, handle) in zip(tables, handles) {
            let name = unique("StatefulPartitionedCall", &names)
            let asset = String(assets[table.assetIndex].prefix { $0 != ":" })
            nodes.append(
                node(
                    name, "StatefulPartitionedCall", [asset, handle],
                    [
                        "Tin": SignatureWrapper.typeList([.dtString, .dtResource]),
                        "Tout": SignatureWrapper.typeList([.dtInt32]),
                        "f": functionAttr(table.initializer),
                    ]))
        }
        nodes.append(node(unique(initOpName, &names), "NoOp", nodes.map { "^" + $0.name }, [:]))
        return nodes
    }

    /// `RestoreV2` of every checkpoint key, one `AssignVariableOp` per variable, and the
    /// `restore_all` NoOp that depends on all assignments.
    static func restoreNodes(variables: [Variable], handles: [String]) -> [Tensorflow_NodeDef] {
        let count = Shape([variables.count])
        var nodes = [
            node(
                filenameNodeName, "Placeholder", [],
                [
                    "dtype": typeAttr(.dtString), "shape": shapeAttr(Shape([])),
                ]),
            node(
                "RestoreV2/tensor_names", "Const", [],
                [
                    "dtype": typeAttr(.dtString),
                    "value": stringTensorAttr(variables.map(\.checkpointKey), shape: count),
                ]),
            node(
                "RestoreV2/shape_and_slices", "Const", [],
                [
                    "dtype": typeAttr(.dtString),
                    "value": stringTensorAttr(variables.map { _ in "" }, shape: count),
                ]),
            node(
                "RestoreV2", "RestoreV2",
                [filenameNodeName, "RestoreV2/tensor_names", "RestoreV2/shape_and_slices"],
                ["dtypes": SignatureWrapper.typeList(variables.map { $0.dtype.tfDataType })]),
        ]
        var assigns: [String] = []
        for (i, (variable, handle)) in zip(variables, handles).enumerated() {
            let name = i == 0 ? "AssignVariableOp" : "AssignVariableOp_\(i)"
            nodes.append(
                node(
                    name, "AssignVariableOp", [handle, i == 0 ? "RestoreV2" : "RestoreV2:\(i)"],
                    ["dtype": typeAttr(variable.dtype.tfDataType)]))
            assigns.append("^" + name)
        }
        nodes.append(node(restoreOpName, "NoOp", assigns, [:]))
        return nodes
    }

    /// A valid GraphDef node name: TF allows `[A-Za-z0-9.][A-Za-z0-9_.\-/]*`.
    static func nodeName(_ s: String) -> String {
        var out = String(
            s.map { c -> Character in
                (c.isASCII && (c.isLetter || c.isNumber)) || "_.-/".contains(c) ? c : "_"
            })
        if let first = out.first,
            !(first.isASCII && (first.isLetter || first.isNumber || first == "."))
        {
            out = "v" + out
        }
        return out.isEmpty ? "v" : out
    }

    static func unique(_ base: String, _ used: inout Set<String>) -> String {
        FunctionDefLowering.uniqueName(base, avoiding: &used)
    }

    static func node(
        _ name: String, _ op: String, _ inputs: [String],
        _ attrs: [String: Tensorflow_AttrValue]
    ) -> Tensorflow_NodeDef {
        var def = Tensorflow_NodeDef()
        def.name = name
        def.op = op
        def.input = inputs
        def.attr = attrs
        return def
    }

    static func tensorInfo(_ name: String, _ spec: TensorSpec) -> Tensorflow_TensorInfo {
        var info = Tensorflow_TensorInfo()
        info.name = name
        info.dtype = spec.dtype.tfDataType
        info.tensorShape = spec.shape.tensorShapeProto
        return info
    }

    static func typeAttr(_ type: Tensorflow_DataType) -> Tensorflow_AttrValue {
        var value = Tensorflow_AttrValue()
        value.type = type
        return value
    }

    static func shapeAttr(_ shape: Shape) -> Tensorflow_AttrValue {
        GraphAttr.shape(shape).attrValue
    }
    static func stringAttr(_ s: String) -> Tensorflow_AttrValue { GraphAttr.string(s).attrValue }
    static func functionAttr(_ name: String) -> Tensorflow_AttrValue {
        GraphAttr.function(name).attrValue
    }

    static func stringTensorAttr(_ strings: [String], shape: Shape) -> Tensorflow_AttrValue {
        var tensor = Tensorflow_TensorProto()
        tensor.dtype = .dtString
        tensor.tensorShape = shape.tensorShapeProto
        tensor.stringVal = strings.map { Data($0.utf8) }
        var value = Tensorflow_AttrValue()
        value.tensor = tensor
        return value
    }
}
