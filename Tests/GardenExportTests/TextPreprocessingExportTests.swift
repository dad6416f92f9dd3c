import Foundation
import GardenExport
import GardenTensor
import TFProto
import Testing

/// The tokenizer graph and its vocabulary table in an assembled export: what TensorFlow's two
/// loaders need to create and fill the table (the Python loader through the resource node's
/// functions, the C++ loader through `__saved_model_init_op`), and which ops the graph uses.
/// TensorFlow itself judges the values (Tests/Conformance/test_text_input.py).
@Suite struct TextPreprocessingExportTests {
    static let vocab = Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n".utf8)

    static func preprocessing(lowerCase: Bool) -> BertPreprocessing {
        BertPreprocessing(
            table: ExportedTable(name: "vocab_table", asset: "vocab_file", contents: vocab),
            lowerCase: lowerCase, seqLength: 16, cls: 2, sep: 3, pad: 0)
    }

    static func assemble(lowerCase: Bool = true) throws -> Tensorflow_MetaGraphDef {
        let p = preprocessing(lowerCase: lowerCase)
        let signature = p.signature(inputs: ["text"])
        let call = Tracer.trace(signature) { p.pack($0.leaves) }
        var spec = SavedModelSpec(
            variables: [],
            call: CallFunction(training: call, inference: call, signature: signature),
            assets: [ExportedAsset(name: "vocab_file", filename: "vocab.txt", contents: vocab)])
        spec.tables = [p.table]
        let pair = p.signature(inputs: ["text", "text_b"])
        spec.extraSignatures = [
            ("text_pair", Tracer.trace(pair) { p.pack([$0["text"], $0["text_b"]]) }, pair)
        ]
        return try SavedModelAssembler.assemble(spec).savedModel.metaGraphs[0]
    }

    static func node(_ meta: Tensorflow_MetaGraphDef, _ path: [String]) throws -> Int32 {
        var id: Int32 = 0
        for name in path {
            let children = meta.objectGraphDef.nodes[Int(id)].children
            id = try #require(children.first { $0.localName == name }).nodeID
        }
        return id
    }

    @Test func theTableIsAResourceWithCreateInitializeAndDestroyFunctions() throws {
        let meta = try Self.assemble()
        let graph = meta.objectGraphDef
        let table = try Self.node(meta, ["vocab_table"])
        guard case .resource = graph.nodes[Int(table)].kind else {
            Issue.record("vocab_table is \(String(describing: graph.nodes[Int(table)].kind))")
            return
        }
        let asset = try Self.node(meta, ["vocab_file"])
        var bound: [String: [Int32]] = [:]
        for child in ["_create_resource", "_initialize", "_destroy_resource"] {
            let id = try Self.node(meta, ["vocab_table", child])
            guard case .function(let f) = graph.nodes[Int(id)].kind, f.concreteFunctions.count == 1
            else {
                Issue.record("\(child) is not a function")
                continue
            }
            bound[child] = graph.concreteFunctions[f.concreteFunctions[0]]?.boundInputs
        }
        #expect(
            bound == [
                "_create_resource": [], "_initialize": [asset, table], "_destroy_resource": [],
            ])
        // Every function that looks ids up binds the table (and no variable).
        for name in graph.concreteFunctions.keys
        where name.contains("call") || name.contains("signature") {
            #expect(graph.concreteFunctions[name]?.boundInputs == [table], "\(name)")
        }
        let functions = Dictionary(
            uniqueKeysWithValues: meta.graphDef.library.function.map { ($0.signature.name, $0) })
        let creator = try #require(functions.values.first { $0.nodeDef.first?.op == "HashTableV2" })
        #expect(creator.nodeDef[0].attr["key_dtype"]?.type == .dtString)
        #expect(creator.nodeDef[0].attr["value_dtype"]?.type == .dtInt64)
        let initializer = try #require(
            functions.values.first { $0.nodeDef.first?.op == "InitializeTableFromTextFileV2" })
        #expect(initializer.nodeDef[0].attr["key_index"]?.i == -2)  // the whole line
        #expect(initializer.nodeDef[0].attr["value_index"]?.i == -1)  // its line number
    }

    @Test func theCppLoadersInitOpFillsTheTableFromTheAssetPlaceholder() throws {
        let meta = try Self.assemble()
        let nodes = Dictionary(uniqueKeysWithValues: meta.graphDef.node.map { ($0.name, $0) })
        let initOp = try #require(
            meta.signatureDef["__saved_model_init_op"]?.outputs["__saved_model_init_op"])
        let noOp = try #require(nodes[initOp.name])
        #expect(noOp.op == "NoOp")
        let dependency = try #require(noOp.input.first)
        let call = try #require(nodes[String(dependency.dropFirst())])
        #expect(call.op == "StatefulPartitionedCall")
        #expect(call.input == ["asset_path_initializer", "vocab_table"])
        #expect(nodes["vocab_table"]?.op == "HashTableV2")
        #expect(meta.assetFileDef[0].tensorInfo.name == "asset_path_initializer:0")
        // Both signatures feed the table handle after their string inputs.
        #expect(nodes["StatefulPartitionedCall"]?.input == ["serving_default_text", "vocab_table"])
        #expect(
            nodes["StatefulPartitionedCall_1"]?.input == [
                "text_pair_text", "text_pair_text_b", "vocab_table",
            ])
    }

    @Test func lowerCasingAddsCaseFoldNormalizeAndAccentStripping() throws {
        func ops(_ lowerCase: Bool) throws -> [String] {
            let meta = try Self.assemble(lowerCase: lowerCase)
            let call = try #require(
                meta.graphDef.library.function.first { $0.signature.name.contains("call___infer") })
            return call.nodeDef.map(\.op).filter { !["Const", "Identity"].contains($0) }
        }
        let uncased = try ops(true)
        let cased = try ops(false)
        #expect(
            Array(uncased.prefix(6)) == [
                "CaseFoldUTF8", "NormalizeUTF8", "StaticRegexReplace", "StaticRegexReplace",
                "RegexSplitWithOffsets", "WordpieceTokenizeWithOffsets",
            ])
        #expect(
            Array(cased.prefix(3)) == [
                "StaticRegexReplace", "RegexSplitWithOffsets", "WordpieceTokenizeWithOffsets",
            ])
        #expect(uncased.count == cased.count + 3)
    }

    @Test func theTableNameDependsOnTheVocabularyBytesOnly() {
        let a = ExportedTable(name: "t", asset: "a", contents: Self.vocab)
        let b = ExportedTable(name: "t", asset: "a", contents: Self.vocab)
        let c = ExportedTable(name: "t", asset: "a", contents: Self.vocab + Data("x\n".utf8))
        #expect(a.sharedName == b.sharedName)
        #expect(a.sharedName != c.sharedName)
    }
}
