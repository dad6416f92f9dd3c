import Foundation
import GardenExport
import GardenTensor
import TFProto
import Testing

@Suite struct SavedModelWriterTests {
    typealias Support = SavedModelTestSupport

    /// Ops the exported functions may use: the lowerings of our primitives plus the call op.
    static let allowedFunctionOps: Set<String> = [
        "ReadVariableOp", "Const", "Identity", "MatMul", "AddV2", "Sub", "Mul", "RealDiv", "Relu",
        "Sum", "Mean", "Reshape", "Shape", "RandomUniform", "GreaterEqual", "SelectV2",
        "StatefulPartitionedCall", "Abs", "Sign", "Exp", "Log", "Tanh",
    ]
    static let allowedOuterOps: Set<String> = [
        "VarHandleOp", "Placeholder", "StatefulPartitionedCall", "Const", "RestoreV2",
        "AssignVariableOp", "NoOp",
    ]

    @Test(arguments: ["mul", "mlp", "dict"])
    func everyVariableEqualsItsParameter(model: String) throws {
        let (spec, parameters) = Self.model(model)
        let (dir, reader) = try Support.exportAndRead(spec, label: model)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try #require(reader.bundle)
        let keys = try reader.variableCheckpointKeys()
        let variables = reader.objectGraph.nodes.enumerated().compactMap {
            i, node -> (Int32, Tensorflow_SavedVariable)? in
            if case .variable(let v) = node.kind { return (Int32(i), v) }
            return nil
        }
        #expect(variables.map(\.1.name) == parameters.map(\.path))
        for ((id, variable), parameter) in zip(variables, parameters) {
            let key = try #require(keys[id])
            let entry = try #require(bundle.entries[key])
            #expect(entry.dtype == parameter.value.dtype.tfDataType)
            #expect(entry.shape == parameter.value.shape)
            #expect(variable.shape.dim.map { Int($0.size) } == parameter.value.shape)
            #expect(try [UInt8](bundle.tensorBytes(key: key)) == parameter.value.bytes)
        }
        // Exactly the variables plus the checkpoint graph.
        #expect(bundle.keys.count == parameters.count + 1)
    }

    @Test(arguments: ["mul", "mlp", "dict"])
    func functionsUseOnlyAllowedOps(model: String) throws {
        let assembly = try SavedModelAssembler.assemble(Self.model(model).spec)
        let graphDef = assembly.savedModel.metaGraphs[0].graphDef
        for function in graphDef.library.function {
            let ops = Set(function.nodeDef.map(\.op))
            #expect(
                ops.isSubset(of: Self.allowedFunctionOps),
                "\(function.signature.name) uses \(ops.subtracting(Self.allowedFunctionOps).sorted())"
            )
        }
        #expect(Set(graphDef.node.map(\.op)).isSubset(of: Self.allowedOuterOps))
    }

    @Test func metaGraphHasServeTagVersionsAndNoExtraFiles() throws {
        let (dir, reader) = try Support.exportAndRead(
            SavedModelTestModels.mul().spec, label: "meta")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(reader.savedModel.savedModelSchemaVersion == 1)
        #expect(reader.metaGraph.metaInfoDef.tags == ["serve"])
        #expect(reader.metaGraph.graphDef.versions.producer == 2474)
        #expect(reader.metaGraph.graphDef.versions.minConsumer == 12)
        #expect(
            try Support.files(dir).keys.sorted() == [
                "fingerprint.pb", "saved_model.pb", "variables/variables.data-00000-of-00001",
                "variables/variables.index",
            ])
    }

    @Test(arguments: ["mul", "mlp", "dict"])
    func twoExportsAreByteIdentical(model: String) throws {
        let spec = Self.model(model).spec
        let first = Support.scratchDirectory("det-a")
        let second = Support.scratchDirectory("det-b")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        try SavedModelWriter.write(spec, to: first, overwrite: false)
        // A fresh trace of the same model, so nothing is shared between the two exports.
        try SavedModelWriter.write(Self.model(model).spec, to: second, overwrite: false)
        let a = try Support.files(first)
        let b = try Support.files(second)
        #expect(a.keys.sorted() == b.keys.sorted())
        for key in a.keys { #expect(a[key] == b[key], "\(key) differs") }

        // Maps are written in sorted key order: decoding (which rebuilds every dictionary) and
        // re-encoding gives the same bytes.
        let bytes = try #require(a["saved_model.pb"])
        let again = try SavedModelSerialization.bytes(Tensorflow_SavedModel(serializedBytes: bytes))
        #expect(again == bytes)
    }

    @Test func refusesNonEmptyDirectoryWithoutOverwrite() throws {
        let dir = Support.scratchDirectory("refuse")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keep = dir.appendingPathComponent("keep.txt")
        try Data("mine".utf8).write(to: keep)
        let error = #expect(throws: ExportError.self) {
            try SavedModelWriter.write(SavedModelTestModels.mul().spec, to: dir, overwrite: false)
        }
        #expect(error == .directoryNotEmpty(path: dir.path))
        #expect(
            error?.errorDescription == "export directory \(dir.path) exists and is not empty; "
                + "pass --overwrite to replace it, or choose another directory")
        #expect(FileManager.default.contents(atPath: keep.path) == Data("mine".utf8))
        #expect(try Self.siblings(of: dir).isEmpty)
    }

    @Test func overwriteReplacesTheDirectoryAndLeavesNoTemporaries() throws {
        let dir = Support.scratchDirectory("overwrite")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: dir.appendingPathComponent("old.txt"))
        try SavedModelWriter.write(SavedModelTestModels.mul().spec, to: dir, overwrite: true)
        let files = try Support.files(dir).keys.sorted()
        #expect(files.contains("saved_model.pb"))
        #expect(!files.contains("old.txt"))
        #expect(try Self.siblings(of: dir).isEmpty)
    }

    @Test func writesIntoAnExistingEmptyDirectory() throws {
        let dir = Support.scratchDirectory("empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try SavedModelWriter.write(SavedModelTestModels.mul().spec, to: dir, overwrite: false)
        #expect(
            FileManager.default.fileExists(
                atPath: dir.appendingPathComponent("saved_model.pb").path))
    }

    @Test func refusesAFunctionReadingAnUnexportedParameter() throws {
        var (spec, _) = SavedModelTestModels.mul()
        spec.variables = []
        let dir = Support.scratchDirectory("unknown")
        let error = #expect(throws: ExportError.self) {
            try SavedModelWriter.write(spec, to: dir, overwrite: false)
        }
        #expect(error == .unknownVariable(function: "__inference___call___train_0", path: "v"))
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        #expect(try Self.siblings(of: dir).isEmpty)
    }

    @Test func refusesDuplicateVariablePaths() throws {
        var (spec, _) = SavedModelTestModels.mul()
        spec.variables.append(ExportedVariable(Parameter(Tensor(1), path: "v")))
        #expect(
            throws: ExportError.invalidSpec("two variables have the path 'v'; paths must be unique")
        ) {
            try SavedModelAssembler.assemble(spec)
        }
    }

    static func model(_ name: String) -> (spec: SavedModelSpec, parameters: [Parameter]) {
        switch name {
        case "mul": return SavedModelTestModels.mul()
        case "mlp": return SavedModelTestModels.mlp()
        default: return SavedModelTestModels.dictModel()
        }
    }

    /// Leftover `.name.tmp-*` / `.name.old-*` entries next to `dir`.
    static func siblings(of dir: URL) throws -> [String] {
        let parent = dir.deletingLastPathComponent().path
        return try FileManager.default.contentsOfDirectory(atPath: parent)
            .filter { $0.hasPrefix(".\(dir.lastPathComponent).") }
    }
}
