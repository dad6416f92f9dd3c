import GardenExport
import GardenTensor
import TFProto
import Testing

@Suite struct FunctionDefLoweringTests {
    static func library(_ spec: SavedModelSpec) throws -> [String: Tensorflow_FunctionDef] {
        let functions = try SavedModelAssembler.assemble(spec).savedModel.metaGraphs[0].graphDef
            .library.function
        return Dictionary(uniqueKeysWithValues: functions.map { ($0.signature.name, $0) })
    }

    @Test func functionNamesComeFromRolesAndLibraryIndex() throws {
        #expect(
            try Self.library(SavedModelTestModels.dictModel().spec).keys.sorted() == [
                "__inference___call___infer_2", "__inference___call___train_1",
                "__inference_head___call___0",
                "__inference_signature_wrapper_serving_default_3",
            ])
        #expect(
            try Self.library(SavedModelTestModels.mul().spec).keys.sorted() == [
                "__inference___call___infer_1", "__inference___call___train_0",
                "__inference_regularization_loss_0_2",
                "__inference_signature_wrapper_serving_default_3",
            ])
    }

    @Test func inputsAreSortedKeysThenResourcesAndOutputsFollowSortedKeys() throws {
        let def = try #require(
            try Self.library(SavedModelTestModels.dictModel().spec)["__inference___call___infer_2"])
        #expect(def.signature.inputArg.map(\.name) == ["a", "b", "encoder_w_resource"])
        #expect(def.signature.inputArg.map(\.type) == [.dtFloat, .dtFloat, .dtResource])
        #expect(def.signature.outputArg.map(\.name) == ["identity", "identity_1"])
        // Output 0 is `scaled` (sorted first), traced second: its Identity is `Identity_1`.
        #expect(def.ret == ["identity": "Identity_1:output:0", "identity_1": "Identity:output:0"])
    }

    @Test func nodesUseFunctionBodySyntaxAndRequiredAttrs() throws {
        let def = try #require(
            try Self.library(SavedModelTestModels.mlp().spec)["__inference___call___infer_1"])
        let byName = Dictionary(uniqueKeysWithValues: def.nodeDef.map { ($0.name, $0) })
        let read = try #require(byName["dense_0/kernel/ReadVariableOp"])
        #expect(read.op == "ReadVariableOp")
        #expect(read.input == ["dense_0_kernel_resource"])
        #expect(read.attr["dtype"]?.type == .dtFloat)
        let matmul = try #require(def.nodeDef.first { $0.op == "MatMul" })
        #expect(matmul.input == ["inputs", "dense_0/kernel/ReadVariableOp:value:0"])
        #expect(matmul.attr["T"]?.type == .dtFloat)
        for node in def.nodeDef {
            for input in node.input where !def.signature.inputArg.map(\.name).contains(input) {
                #expect(
                    input.split(separator: ":").count == 3 || input.hasPrefix("^"),
                    "\(node.name) input \(input) is not node:arg:index")
            }
        }
    }

    @Test func graphAttrsBecomeAttrValues() {
        #expect(GraphAttr.type(.int32).attrValue.type == .dtInt32)
        #expect(
            GraphAttr.types([.tensor(.float32), .resource]).attrValue.list.type == [
                .dtFloat, .dtResource,
            ])
        #expect(GraphAttr.types([]).attrValue.value == .list(Tensorflow_AttrValue.ListValue()))
        #expect(GraphAttr.ints([1, -1]).attrValue.list.i == [1, -1])
        #expect(GraphAttr.bool(true).attrValue.b)
        #expect(GraphAttr.function("f").attrValue.func.name == "f")
        #expect(GraphAttr.shape(.unknownRank).attrValue.shape.unknownRank)
        #expect(GraphAttr.shape(Shape([-1, 3])).attrValue.shape.dim.map(\.size) == [-1, 3])
        let tensor = GraphAttr.tensor(GraphConstant(floats: [1, 2], shape: [2])).attrValue.tensor
        #expect(
            tensor.dtype == .dtFloat && tensor.floatVal == [1, 2]
                && tensor.tensorShape.dim.map(\.size) == [2])
    }

    @Test func controlOutputsAreWiredAsControlRet() throws {
        let v = Parameter(Tensor(1), path: "counter")
        let resource = GraphRef.argument("counter_resource")
        let one = GraphRef.output(node: "one", outputArg: "output", index: 0)
        let function = GraphFunction(
            arguments: [], captures: [v], captureArgumentNames: ["counter_resource"],
            nodes: [
                GraphNode(
                    name: "one", op: "Const", inputs: [],
                    attrs: [
                        "dtype": .type(.float32),
                        "value": .tensor(GraphConstant(floats: [1], shape: [])),
                    ]),
                GraphNode(
                    name: "bump", op: "AssignAddVariableOp", inputs: [resource, one],
                    attrs: ["dtype": .type(.float32)]),
                GraphNode(
                    name: "Identity", op: "Identity", inputs: [one], controlInputs: ["bump"],
                    attrs: ["T": .type(.float32)]),
            ],
            outputs: [
                GraphOutput(
                    name: "out", ref: .output(node: "Identity", outputArg: "output", index: 0),
                    dtype: .float32, shape: Shape([]))
            ],
            controlOutputs: ["bump"])
        let def = try FunctionDefLowering.lower(function, name: "f")
        #expect(def.signature.controlOutput == ["bump"])
        #expect(def.controlRet == ["bump": "bump"])
        #expect(def.nodeDef[2].input == ["one:output:0", "^bump"])
    }

    @Test func unknownOrderNamesAreRejected() {
        let (spec, _) = SavedModelTestModels.mul()
        #expect(
            throws: ExportError.invalidSpec("function f has no argument 'x'; it has [\"inputs\"]")
        ) {
            try FunctionDefLowering.lower(spec.call.inference, name: "f", inputOrder: ["x"])
        }
    }

    @Test func signatureWrapperCallsTheInferenceFunction() throws {
        let library = try Self.library(SavedModelTestModels.mlp().spec)
        let wrapper = try #require(library["__inference_signature_wrapper_serving_default_3"])
        let infer = try #require(library["__inference___call___infer_1"])
        #expect(wrapper.signature.inputArg == infer.signature.inputArg)
        #expect(wrapper.nodeDef.count == 1)
        let call = try #require(wrapper.nodeDef.first)
        #expect(call.op == "StatefulPartitionedCall")
        #expect(call.attr["f"]?.func.name == "__inference___call___infer_1")
        #expect(call.attr["Tin"]?.list.type == infer.signature.inputArg.map(\.type))
        #expect(wrapper.ret == ["identity": "StatefulPartitionedCall:output:0"])
    }

    @Test func signatureContractSnapshot() throws {
        let signature = try SavedModelTestModels.dictModel().spec.call.signature()
        #expect(
            signature.description == """
                inputs: dict
                  a float32 [?, 3]
                  b float32 [?, 3]
                outputs: dict
                  scaled float32 [?, 3]
                  sum float32 [?, 3]
                """)
    }
}
