import Foundation
import GardenExport
import GardenTensor
import TFProto
import Testing

/// The fields other TensorFlow clients need (C++ loader, TFLite, tf2onnx, Keras 3), as TF writes them.
@Suite struct SavedModelClientFieldsTests {
    typealias Support = SavedModelTestSupport

    static func meta(_ spec: SavedModelSpec) throws -> Tensorflow_MetaGraphDef {
        try SavedModelAssembler.assemble(spec).savedModel.metaGraphs[0]
    }

    static func function(_ meta: Tensorflow_MetaGraphDef, _ name: String) throws
        -> Tensorflow_FunctionDef
    {
        try #require(meta.graphDef.library.function.first { $0.signature.name == name })
    }

    @Test(arguments: [true, false])
    func everyAssetNamesAStringPlaceholderOfTheOuterGraph(servingGraph: Bool) throws {
        var (spec, _) = SavedModelTestModels.dictModel()
        spec.includesServingGraph = servingGraph
        let meta = try Self.meta(spec)
        #expect(meta.assetFileDef.map(\.tensorInfo.name) == ["asset_path_initializer:0"])
        let node = try #require(meta.graphDef.node.first { $0.name == "asset_path_initializer" })
        #expect(node.op == "Placeholder")
        #expect(node.attr["dtype"]?.type == .dtString)
        #expect(node.attr["shape"]?.shape == Tensorflow_TensorShapeProto())
    }

    @Test func aSingleInputSignatureTakesOnePositionalArgument() throws {
        let meta = try Self.meta(SavedModelTestModels.mlp().spec)
        let id = try #require(Support.node(meta.objectGraphDef, ["signatures", "serving_default"]))
        guard case .bareConcreteFunction(let bare) = meta.objectGraphDef.nodes[Int(id)].kind else {
            Issue.record("serving_default is not a bare concrete function")
            return
        }
        #expect(bare.allowedPositionalArguments == 1)
        #expect(
            Support.text(bare.functionSpec.fullargspec)
                == "FullArgSpec(args=[], varargs=None, varkw=None, defaults=None, kwonlyargs=['inputs'], "
                + "kwonlydefaults=None, annotations={})")
    }

    @Test func aSignatureWithSeveralInputsIsKeywordOnly() throws {
        let meta = try Self.meta(SavedModelTestModels.dictModel().spec)
        let id = try #require(Support.node(meta.objectGraphDef, ["signatures", "serving_default"]))
        guard case .bareConcreteFunction(let bare) = meta.objectGraphDef.nodes[Int(id)].kind else {
            Issue.record("serving_default is not a bare concrete function")
            return
        }
        #expect(bare.allowedPositionalArguments == 0)
        #expect(bare.argumentKeywords == ["a", "b"])
    }

    @Test func functionsRecordTheirInputShapesAndVariableShapes() throws {
        let meta = try Self.meta(SavedModelTestModels.mlp().spec)
        for name in [
            "__inference___call___infer_1", "__inference_signature_wrapper_serving_default_3",
        ] {
            let def = try Self.function(meta, name)
            let shapes = try #require(def.attr["_input_shapes"]?.list.shape)
            #expect(
                shapes.map { Shape($0) } == [Shape([-1, 4])]
                    + Array(repeating: Shape([]), count: 4), "\(name)")
            let arg = try #require(def.argAttr[0])
            #expect(arg.attr["_output_shapes"]?.list.shape.map { Shape($0) } == [Shape([-1, 4])])
            #expect(arg.attr["_user_specified_name"]?.s == Data("inputs".utf8))
            let kernel = def.signature.inputArg[1]
            #expect(kernel.type == .dtResource)
            #expect(kernel.handleData.map(\.dtype) == [.dtFloat])
            #expect(kernel.handleData.map { Shape($0.shape) } == [Shape([4, 8])])
        }
        let infer = try Self.function(meta, "__inference___call___infer_1")
        let read = try #require(infer.nodeDef.first { $0.name == "dense_0/kernel/ReadVariableOp" })
        #expect(read.attr["_output_shapes"]?.list.shape.map { Shape($0) } == [Shape([4, 8])])
        let wrapper = try Self.function(meta, "__inference_signature_wrapper_serving_default_3")
        #expect(
            wrapper.nodeDef[0].attr["_output_shapes"]?.list.shape.map { Shape($0) } == [
                Shape([-1, 3])
            ])
    }

    @Test func metaInfoNamesTheTargetedTensorFlowVersion() throws {
        let info = try Self.meta(SavedModelTestModels.mul().spec).metaInfoDef
        #expect(info.tensorflowVersion == "2.21.0")
        #expect(
            info.tensorflowGitVersion == "swiftgarden (no TensorFlow; SavedModel format of v2.21.0)"
        )
    }

    /// `encoder_outputs_10` sorts before `encoder_outputs_2`: the outer graph's outputs follow the
    /// signature wrapper's sorted-key order, so each key names its own tensor.
    @Test func outerSignatureOutputsFollowTheWrappersSortedKeys() throws {
        let names = (0..<12).map { "encoder_outputs_\($0)" }
        let input = TensorSpec(name: "inputs", dtype: .float32, shape: Shape([-1, 2]))
        let trace = Tracer.trace(arguments: [input]) { xs in
            names.enumerated().map { i, name in (name, xs[0] * Float(i + 1)) }
        }
        let spec = SavedModelSpec(
            variables: [],
            call: CallFunction(
                training: trace, inference: trace,
                signature: Signature(
                    inputs: .leaf(input),
                    outputs: .dict([
                        (
                            "encoder_outputs",
                            .list(names.map { .leaf(TensorSpec($0, .float32, Shape([-1, 2]))) })
                        )
                    ]))))
        let signature = try #require(try Self.meta(spec).signatureDef["serving_default"])
        let sorted = names.sorted()
        for name in names {
            #expect(
                signature.outputs[name]?.name
                    == "StatefulPartitionedCall:\(sorted.firstIndex(of: name) ?? -1)")
        }
    }
}
