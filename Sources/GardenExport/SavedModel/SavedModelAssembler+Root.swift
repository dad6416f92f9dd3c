import Foundation
import GardenTensor
import TFProto

extension SavedModelAssembler.State {
    typealias Names = SavedModelAssembler.FunctionName

    /// `__call__`, the regularization losses and the serving signature, attached to the root
    /// after the lists (the order of the root's children is the order TF users see).
    mutating func addRootFunctions() throws {
        let root = ObjectGraphBuilder.root
        let call = spec.call
        let signature = try call.signature()
        let inputOrder = signature.inputs.flattened.map(\.name)
        let outputOrder = signature.outputs.flattened.map(\.name)
        let inputStructure = StructuredValues.structure(signature.inputs)
        let outputStructure = StructuredValues.structure(signature.outputs, singleName: "unknown")

        let callDefs: [(Bool, GraphFunction, String)] = [
            (true, call.training, Names.callTraining), (false, call.inference, Names.callInference),
        ]
        var inferenceDef: Tensorflow_FunctionDef?
        var callNames: [String] = []
        for (training, function, stem) in callDefs {
            let name = nextFunctionName(stem)
            callNames.append(name)
            let def = try FunctionDefLowering.lower(
                function, name: name, inputOrder: inputOrder, outputOrder: outputOrder)
            try addConcrete(
                def, function: function,
                positional: [inputStructure, StructuredValues.bool(training)],
                keywords: [:], output: outputStructure)
            if !training { inferenceDef = def }
        }

        var saved = Tensorflow_SavedFunction()
        saved.concreteFunctions = callNames
        saved.functionSpec = StructuredValues.functionSpec(
            fullArgSpec: StructuredValues.fullArgSpec(
                args: ["inputs", "training"], defaults: [StructuredValues.bool(false)]),
            inputSignature: nil)
        let callNode = graph.add(.function(saved))

        var lossNodes: [Int32] = []
        for (i, loss) in spec.regularizationLosses.enumerated() {
            let name = nextFunctionName(Names.regularizationLoss(i))
            let def = try FunctionDefLowering.lower(loss, name: name)
            try addConcrete(
                def, function: loss, positional: [], keywords: [:],
                output: StructuredValues.tensorSpec(loss.outputs[0].spec, name: "unknown"))
            var function = Tensorflow_SavedFunction()
            function.concreteFunctions = [name]
            function.functionSpec = StructuredValues.functionSpec(
                fullArgSpec: StructuredValues.fullArgSpec(args: [], defaults: nil),
                inputSignature: StructuredValues.tuple([]))
            lossNodes.append(graph.add(.function(function)))
        }

        let trainableNodes = zip(spec.variables, variableNodes).filter { $0.0.trainable }.map(\.1)
        graph.addChild(root, "variables", graph.addList(variableNodes + constantNodes))
        graph.addChild(root, "trainable_variables", graph.addList(trainableNodes))
        graph.addChild(root, "regularization_losses", graph.addList(lossNodes))
        graph.addChild(root, "__call__", callNode)

        let signatureMap = graph.addUserObject("signature_map")
        graph.addChild(root, "signatures", signatureMap)
        if let key = spec.servingSignatureKey, let inferenceDef {
            try addServingSignature(
                key: key, signature: signature, callee: inferenceDef,
                map: signatureMap)
        }
        try addExtraSignatures(map: signatureMap)
    }

    /// The keyword-only signature over the `training=false` trace: inputs by key, outputs as a
    /// dict (`output_0` for a single output).
    mutating func addServingSignature(
        key: String, signature: Signature,
        callee: Tensorflow_FunctionDef, map: Int32
    ) throws {
        let name = nextFunctionName(Names.signatureWrapper(key))
        let outputKeys = signature.servingOutputKeys
        let (inputSpecs, outputSpecs) = (signature.inputs.flattened, signature.outputs.flattened)
        // Output lists can put the flat keys out of sorted order (`x_10` before `x_2`).
        let sortedOrder = outputKeys.indices.sorted {
            Array(outputKeys[$0].utf8).lexicographicallyPrecedes(Array(outputKeys[$1].utf8))
        }
        let def = SignatureWrapper.functionDef(
            name: name, callee: callee,
            outputOrder: sortedOrder == Array(outputKeys.indices) ? nil : sortedOrder)
        try addSignatureFunction(
            def, function: spec.call.inference, key: key, inputs: inputSpecs,
            outputKeys: outputKeys, outputs: outputSpecs, map: map)

        // The outer graph's call returns the wrapper's outputs, in sorted-key order.
        servingSignature = servingGraphSignature(
            key: key, functionName: name, inputs: inputSpecs,
            outputKeys: sortedOrder.map { outputKeys[$0] },
            outputs: sortedOrder.map { outputSpecs[$0] },
            bound: try boundInputs(spec.call.inference, name: name))
    }

    /// A signature function's concrete function (keyword inputs, a dict of outputs) and its
    /// bare node `key` in the signature map.
    mutating func addSignatureFunction(
        _ def: Tensorflow_FunctionDef, function: GraphFunction, key: String,
        inputs: [TensorSpec], outputKeys: [String], outputs: [TensorSpec], map: Int32
    ) throws {
        try addConcrete(
            def, function: function, positional: [],
            keywords: Dictionary(
                uniqueKeysWithValues: inputs.map { ($0.name, StructuredValues.tensorSpec($0)) }),
            output: StructuredValues.dict(
                Dictionary(
                    uniqueKeysWithValues: zip(outputKeys, outputs).map {
                        ($0, StructuredValues.tensorSpec($1, name: $0))
                    })))
        var bare = Tensorflow_SavedBareConcreteFunction()
        bare.concreteFunctionName = def.signature.name
        bare.argumentKeywords = inputs.map(\.name)
        // As TF's signature wrappers: one input may be passed positionally (Keras' TFSMLayer
        // does); with several, keyword-only (a signature's inputs have no order).
        bare.allowedPositionalArguments = inputs.count == 1 ? 1 : 0
        bare.functionSpec = StructuredValues.functionSpec(
            fullArgSpec: StructuredValues.fullArgSpec(
                args: [], defaults: nil, kwonlyargs: inputs.map(\.name)),
            inputSignature: nil)
        graph.addChild(map, key, graph.add(.bareConcreteFunction(bare)))
    }

    /// Assets, the bundle with the checkpoint graph, and the MetaGraphDef.
    mutating func finish() throws -> SavedModelAssembly {
        var meta = Tensorflow_MetaGraphDef()
        for (i, asset) in spec.assets.enumerated() {
            var file = Tensorflow_AssetFileDef()
            file.filename = asset.filename
            meta.assetFileDef.append(file)  // tensor_info is set with the outer graph below
            _ = try assetNode(index: i)  // already there when a table reads it
        }

        let keysByNode = graph.checkpointKeys()
        let keys = try zip(spec.variables, variableNodes).map { variable, id in
            guard let key = keysByNode[id] else {
                throw ExportError.invalidSpec(
                    "variable '\(variable.parameter.path)' is unreachable")
            }
            return key
        }
        var bundle = TensorBundleWriter()
        for (variable, key) in zip(spec.variables, keys) {
            try bundle.add(key: key, tensor: variable.parameter.value)
        }
        for (variable, id) in childVariables {
            guard let key = keysByNode[id] else {
                throw ExportError.invalidSpec(
                    "variable '\(variable.parameter.path)' is unreachable")
            }
            try bundle.add(key: key, tensor: variable.parameter.value)
        }
        for (constant, id) in zip(spec.constants, constantNodes) {
            guard let key = keysByNode[id] else {
                throw ExportError.invalidSpec("constant '\(constant.name)' is unreachable")
            }
            try bundle.add(
                key: key, dtype: constant.dtype, shape: constant.shape, bytes: constant.bytes)
        }
        let checkpointGraph = graph.checkpointGraph(keys: keysByNode)
        try bundle.addString(
            key: "_CHECKPOINTABLE_OBJECT_GRAPH",
            strings: [SavedModelSerialization.bytes(checkpointGraph)])

        var info = Tensorflow_MetaGraphDef.MetaInfoDef()
        info.tags = spec.tags
        info.tensorflowVersion = SavedModelAssembler.tensorflowVersion
        info.tensorflowGitVersion = SavedModelAssembler.tensorflowGitVersion
        meta.metaInfoDef = info
        var graphDef = Tensorflow_GraphDef()
        var functions = Tensorflow_FunctionDefLibrary()
        functions.function = library
        graphDef.library = functions
        var versions = Tensorflow_VersionDef()
        versions.producer = SavedModelAssembler.producer
        versions.minConsumer = SavedModelAssembler.minConsumer
        graphDef.versions = versions
        // Without the TF1 pieces the outer graph still holds the asset placeholders.
        let serving = spec.includesServingGraph
        let variables: [ServingGraph.Variable] =
            !serving
            ? []
            : zip(spec.variables, keys).map {
                variable, key in
                let value = variable.parameter.value
                return ServingGraph.Variable(
                    name: variable.parameter.path, dtype: value.dtype,
                    shape: value.shape, checkpointKey: key)
            }
        let signatures =
            serving ? [servingSignature].compactMap { $0 } + extraServingSignatures : []
        let built = ServingGraph.build(
            variables: variables, signatures: signatures, assetCount: spec.assets.count,
            tables: zip(spec.tables, tableNodes).map {
                ServingGraph.Table(
                    name: $0.table.name, sharedName: $0.sharedName, initializer: $1.initializer,
                    assetIndex: $1.assetIndex)
            })
        graphDef.node = built.nodes
        for (i, name) in built.assetTensorNames.enumerated() {
            meta.assetFileDef[i].tensorInfo.name = name
        }
        if let saver = built.saverDef { meta.saverDef = saver }
        for (key, signatureDef) in built.signatureDefs { meta.signatureDef[key] = signatureDef }
        meta.graphDef = graphDef
        meta.objectGraphDef = graph.savedObjectGraph

        var model = Tensorflow_SavedModel()
        model.savedModelSchemaVersion = 1
        model.metaGraphs = [meta]
        return SavedModelAssembly(
            savedModel: model, bundle: bundle, assets: spec.assets,
            extraFiles: spec.extraFiles, checkpointKeys: keys)
    }
}

extension TensorBundleWriter {
    /// Adds a variable's value: a float tensor from its own array (no byte copy), others as bytes.
    mutating func add(key: String, tensor value: Tensor) throws {
        if value.dtype == .float32 {
            try add(key: key, shape: value.shape, floats: value.floats)
        } else {
            try add(
                key: key, dtype: value.dtype.tfDataType, shape: value.shape, bytes: value.bytes)
        }
    }
}
