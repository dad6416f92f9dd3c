import Foundation
import GardenExport
import GardenTensor
import TFProto
import Testing

@Suite struct ObjectGraphStructureTests {
    typealias Support = SavedModelTestSupport

    static func graph(_ spec: SavedModelSpec) throws -> Tensorflow_SavedObjectGraph {
        try SavedModelAssembler.assemble(spec).savedModel.metaGraphs[0].objectGraphDef
    }

    static func identifier(_ graph: Tensorflow_SavedObjectGraph, _ id: Int32?) -> String? {
        guard let id, case .userObject(let user) = graph.nodes[Int(id)].kind else { return nil }
        return "\(user.identifier) v\(user.version.producer).\(user.version.minConsumer)"
    }

    @Test func rootHasPathContainersListsCallAndSignatures() throws {
        let g = try Self.graph(SavedModelTestModels.mlp().spec)
        #expect(
            Support.childNames(g, 0) == [
                "dense_0", "dense_1", "step", "variables", "trainable_variables",
                "regularization_losses", "__call__", "signatures",
            ])
        #expect(Self.identifier(g, 0) == "_generic_user_object v1.1")
        #expect(Self.identifier(g, Support.node(g, ["dense_0"])) == "_generic_user_object v1.1")
        for list in ["variables", "trainable_variables", "regularization_losses"] {
            #expect(Self.identifier(g, Support.node(g, [list])) == "trackable_list_wrapper v1.1")
        }
        #expect(Self.identifier(g, Support.node(g, ["signatures"])) == "signature_map v1.1")
        let variables = try #require(Support.node(g, ["variables"]))
        #expect(Support.childNames(g, variables) == ["0", "1", "2", "3", "4"])
        let trainable = try #require(Support.node(g, ["trainable_variables"]))
        // The non-trainable `step` is only in `variables`.
        #expect(Support.childNames(g, trainable) == ["0", "1", "2", "3"])
        #expect(Support.node(g, ["variables", "0"]) == Support.node(g, ["dense_0", "kernel"]))
        #expect(
            Support.node(g, ["trainable_variables", "3"]) == Support.node(g, ["dense_1", "bias"]))
        let step = try #require(Support.node(g, ["step"]))
        guard case .variable(let v) = g.nodes[Int(step)].kind else {
            Issue.record("step is not a variable"); return
        }
        #expect(v.name == "step" && !v.trainable && v.dtype == .dtInt32)
    }

    @Test func callHasBothConcreteFunctionsWithTrainingDispatch() throws {
        let g = try Self.graph(SavedModelTestModels.mlp().spec)
        let call = try #require(Support.node(g, ["__call__"]))
        guard case .function(let function) = g.nodes[Int(call)].kind else {
            Issue.record("__call__ is not a function"); return
        }
        #expect(
            function.concreteFunctions == [
                "__inference___call___train_0", "__inference___call___infer_1",
            ])
        #expect(
            Support.text(function.functionSpec.fullargspec)
                == "FullArgSpec(args=['inputs', 'training'], "
                + "varargs=None, varkw=None, defaults=(False), kwonlyargs=[], kwonlydefaults=None, annotations={})"
        )
        #expect(Support.text(function.functionSpec.inputSignature) == "None")

        let ids = try ["kernel", "bias"].flatMap { leaf in
            try ["dense_0", "dense_1"].map { try #require(Support.node(g, [$0, leaf])) }
        }
        let (w1, w2, b1, b2) = (ids[0], ids[1], ids[2], ids[3])
        for (name, training) in [
            ("__inference___call___train_0", "True"), ("__inference___call___infer_1", "False"),
        ] {
            let concrete = try #require(g.concreteFunctions[name])
            #expect(concrete.boundInputs == [w1, b1, w2, b2])
            #expect(
                Support.text(concrete.canonicalizedInputSignature)
                    == "((TS(inputs,[-1,4],dtFloat), \(training)), {})")
            #expect(Support.text(concrete.outputSignature) == "TS(unknown,[-1,3],dtFloat)")
        }
    }

    @Test func regularizationLossIsANoArgumentFunction() throws {
        let g = try Self.graph(SavedModelTestModels.mlp().spec)
        let loss = try #require(Support.node(g, ["regularization_losses", "0"]))
        guard case .function(let function) = g.nodes[Int(loss)].kind else {
            Issue.record("loss is not a function"); return
        }
        #expect(function.concreteFunctions == ["__inference_regularization_loss_0_2"])
        #expect(Support.text(function.functionSpec.inputSignature) == "()")
        let concrete = try #require(g.concreteFunctions["__inference_regularization_loss_0_2"])
        #expect(
            concrete.boundInputs
                == [
                    Support.node(g, ["dense_0", "kernel"]), Support.node(g, ["dense_1", "kernel"]),
                ].compactMap { $0 })
        #expect(Support.text(concrete.canonicalizedInputSignature) == "((), {})")
        #expect(Support.text(concrete.outputSignature) == "TS(unknown,[],dtFloat)")
    }

    @Test func servingDefaultIsABareFunctionTakingItsOneInputByKeywordOrPosition() throws {
        let g = try Self.graph(SavedModelTestModels.mlp().spec)
        let serving = try #require(Support.node(g, ["signatures", "serving_default"]))
        guard case .bareConcreteFunction(let bare) = g.nodes[Int(serving)].kind else {
            Issue.record("serving_default is not a bare concrete function"); return
        }
        #expect(bare.concreteFunctionName == "__inference_signature_wrapper_serving_default_3")
        #expect(bare.argumentKeywords == ["inputs"])
        #expect(bare.allowedPositionalArguments == 1)
        let concrete = try #require(g.concreteFunctions[bare.concreteFunctionName])
        #expect(
            concrete.boundInputs == g.concreteFunctions["__inference___call___infer_1"]?.boundInputs
        )
        #expect(
            Support.text(concrete.canonicalizedInputSignature)
                == "((), {inputs: TS(inputs,[-1,4],dtFloat)})")
        #expect(Support.text(concrete.outputSignature) == "{output_0: TS(output_0,[-1,3],dtFloat)}")
    }

    @Test func dictModelSortsKeysAndHandlesReservedPathsChildrenAndAssets() throws {
        let assembly = try SavedModelAssembler.assemble(SavedModelTestModels.dictModel().spec)
        let meta = assembly.savedModel.metaGraphs[0]
        let g = meta.objectGraphDef
        // `variables/odd` cannot live under the root's `variables` list: only the list holds it.
        #expect(
            Support.childNames(g, 0) == [
                "encoder", "head", "variables", "trainable_variables", "regularization_losses",
                "__call__", "signatures", "vocab_file",
            ])
        #expect(
            assembly.checkpointKeys == [
                "encoder/w/.ATTRIBUTES/VARIABLE_VALUE", "variables/1/.ATTRIBUTES/VARIABLE_VALUE",
            ])
        let concrete = try #require(g.concreteFunctions["__inference___call___infer_2"])
        #expect(
            Support.text(concrete.canonicalizedInputSignature)
                == "(({a: TS(a,[-1,3],dtFloat), b: TS(b,[-1,3],dtFloat)}, False), {})")
        #expect(
            Support.text(concrete.outputSignature)
                == "{scaled: TS(scaled,[-1,3],dtFloat), sum: TS(sum,[-1,3],dtFloat)}")
        // The child's variable reference is the same node as the encoder's.
        #expect(Support.node(g, ["head", "weights"]) == Support.node(g, ["encoder", "w"]))
        let head = try #require(g.concreteFunctions["__inference_head___call___0"])
        #expect(
            Support.text(head.canonicalizedInputSignature) == "((TS(features,[-1,3],dtFloat)), {})")
        let asset = try #require(Support.node(g, ["vocab_file"]))
        guard case .asset(let saved) = g.nodes[Int(asset)].kind else {
            Issue.record("vocab_file is not an asset"); return
        }
        #expect(meta.assetFileDef[Int(saved.assetFileDefIndex)].filename == "vocab.txt")
    }

    @Test func checkpointGraphMirrorsTheObjectGraph() throws {
        let (dir, reader) = try Support.exportAndRead(
            SavedModelTestModels.mlp().spec, label: "ckpt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoint = try reader.checkpointGraph()
        let g = reader.objectGraph
        #expect(checkpoint.nodes.count == g.nodes.count)
        for (saved, trackable) in zip(g.nodes, checkpoint.nodes) {
            #expect(saved.children == trackable.children)
        }
        let kernel = try #require(Support.node(g, ["dense_0", "kernel"]))
        let attribute = try #require(checkpoint.nodes[Int(kernel)].attributes.first)
        #expect(attribute.name == "VARIABLE_VALUE")
        #expect(attribute.fullName == "dense_0/kernel")
        #expect(attribute.checkpointKey == "dense_0/kernel/.ATTRIBUTES/VARIABLE_VALUE")
    }

    @Test func builderEscapesDotsAndSlashesInCheckpointKeys() {
        var builder = ObjectGraphBuilder()
        var variable = Tensorflow_SavedVariable()
        variable.name = "a.b"
        let id = builder.add(.variable(variable))
        builder.addChild(ObjectGraphBuilder.root, "a.b", id)
        #expect(builder.checkpointKeys() == [id: "a..b/.ATTRIBUTES/VARIABLE_VALUE"])
    }
}
