import Foundation
import GardenTensor
import TFProto

extension SavedModelAssembler.State {
    /// The spec's lookup tables, first (their nodes must exist before any function that captures
    /// them is bound): the asset each reads, the `resource` node and its three functions, as
    /// TensorFlow saves a `StaticHashTable` (``ExportedTable``). Exports without tables are
    /// unchanged.
    mutating func addTables() throws {
        let root = ObjectGraphBuilder.root
        for table in spec.tables {
            guard let assetIndex = spec.assets.firstIndex(where: { $0.name == table.asset.name })
            else {
                throw ExportError.invalidSpec(
                    "table '\(table.table.name)' reads asset '\(table.asset.name)', which the export does not have"
                )
            }
            let asset = try assetNode(index: assetIndex)
            resourceIDs[ObjectIdentifier(table.asset)] = asset
            guard graph.child(root, table.table.name) == nil else {
                throw ExportError.invalidSpec(
                    "table '\(table.table.name)' collides with another root attribute")
            }
            let node = graph.add(.resource(Tensorflow_SavedResource()))
            graph.addChild(root, table.table.name, node)
            resourceIDs[ObjectIdentifier(table.table)] = node

            let unit = Shape([])
            let creator = nextFunctionName(Names.tableCreator)
            let creatorID = try addResourceFunction(
                table.creator(name: creator), bound: [],
                output: TensorSpec("unknown", .int32, unit), outputType: .dtResource)
            let initializer = nextFunctionName(Names.tableInitializer)
            let initializerID = try addResourceFunction(
                table.initializer(name: initializer), bound: [asset, node],
                output: TensorSpec("unknown", .int32, unit))
            let destroyerID = try addResourceFunction(
                ExportedTable.destroyer(name: nextFunctionName(Names.tableDestroyer)), bound: [],
                output: TensorSpec("unknown", .int32, unit))
            graph.addChild(node, "_create_resource", creatorID)
            graph.addChild(node, "_initialize", initializerID)
            graph.addChild(node, "_destroy_resource", destroyerID)
            tableNodes.append((node, initializer, assetIndex))
        }
    }

    /// The node of asset `index` of the spec, created (as a root attribute) on first use.
    mutating func assetNode(index: Int) throws -> Int32 {
        let asset = spec.assets[index]
        if let id = assetNodes[asset.name] { return id }
        guard graph.child(ObjectGraphBuilder.root, asset.name) == nil else {
            throw ExportError.invalidSpec(
                "asset '\(asset.name)' collides with another root attribute")
        }
        var saved = Tensorflow_SavedAsset()
        saved.assetFileDefIndex = Int32(index)
        let id = graph.add(.asset(saved))
        graph.addChild(ObjectGraphBuilder.root, asset.name, id)
        assetNodes[asset.name] = id
        return id
    }

    /// A no-argument function of a table (`_create_resource`, ...): its FunctionDef, concrete
    /// function bound to `bound` and `SavedFunction` node.
    private mutating func addResourceFunction(
        _ def: Tensorflow_FunctionDef, bound: [Int32], output: TensorSpec,
        outputType: Tensorflow_DataType? = nil
    ) throws -> Int32 {
        var concrete = Tensorflow_SavedConcreteFunction()
        concrete.boundInputs = bound
        concrete.canonicalizedInputSignature = StructuredValues.tuple([
            StructuredValues.tuple([]), StructuredValues.dict([:]),
        ])
        var outputSignature = StructuredValues.tensorSpec(output)
        if let outputType { outputSignature.tensorSpecValue.dtype = outputType }
        concrete.outputSignature = outputSignature
        graph.concreteFunctions[def.signature.name] = concrete
        library.append(def)
        var saved = Tensorflow_SavedFunction()
        saved.concreteFunctions = [def.signature.name]
        saved.functionSpec = StructuredValues.functionSpec(
            fullArgSpec: StructuredValues.fullArgSpec(args: [], defaults: nil),
            inputSignature: StructuredValues.tuple([]))
        return graph.add(.function(saved))
    }

    /// `spec.extraSignatures`: each function is its own keyword-only signature function (inputs
    /// by name, outputs in sorted-key order), listed in the signature map after the serving one.
    mutating func addExtraSignatures(map: Int32) throws {
        for (key, function, declared) in spec.extraSignatures {
            let name = nextFunctionName(Names.signatureWrapper(key))
            let signature = Signature(
                inputs: try .traced(declared.inputs, function.arguments, side: "inputs"),
                outputs: try .traced(
                    declared.outputs, function.outputs.map(\.spec), side: "outputs"))
            if let problem = signature.problem { throw ExportError.invalidSpec(problem) }
            let inputs = signature.inputs.flattened
            // TF pairs a signature's outputs with its dict keys in sorted order.
            let keys = signature.servingOutputKeys
            let order = keys.indices.sorted {
                Array(keys[$0].utf8).lexicographicallyPrecedes(Array(keys[$1].utf8))
            }
            let outputs = order.map { signature.outputs.flattened[$0] }
            let outputKeys = order.map { keys[$0] }
            var def = try FunctionDefLowering.lower(
                function, name: name, inputOrder: inputs.map(\.name),
                outputOrder: outputs.map(\.name))
            def.signature.isStateful = true
            try addSignatureFunction(
                def, function: function, key: key, inputs: inputs, outputKeys: outputKeys,
                outputs: outputs, map: map)
            extraServingSignatures.append(
                servingGraphSignature(
                    key: key, functionName: name, inputs: inputs, outputKeys: outputKeys,
                    outputs: outputs, bound: try boundInputs(function, name: name)))
        }
    }

    /// The outer graph's view of a signature: its captures as indices into the variables and
    /// the tables.
    func servingGraphSignature(
        key: String, functionName: String, inputs: [TensorSpec], outputKeys: [String],
        outputs: [TensorSpec], bound: [Int32]
    ) -> ServingGraph.Signature {
        var signature = ServingGraph.Signature(
            key: key, functionName: functionName, inputs: inputs, outputKeys: outputKeys,
            outputs: outputs, captures: bound.compactMap { variableNodes.firstIndex(of: $0) })
        signature.tables = bound.compactMap { id in tableNodes.firstIndex { $0.node == id } }
        return signature
    }
}
