import Foundation
import TFProto

/// Why an export directory is damaged: one line naming the export and what is wrong where.
public struct SavedModelDamage: Error, LocalizedError, Equatable {
    /// The export directory.
    public var directory: String
    /// What is wrong, naming the file, key or node.
    public var problem: String

    public init(directory: String, problem: String) {
        self.directory = directory
        self.problem = problem
    }

    public var errorDescription: String? { "\(directory): damaged SavedModel: \(problem)" }
}

/// Checks that an export is whole before `garden inspect` describes it: the variables bundle
/// exists and every tensor's CRC-32C holds, the object graph and the bundle name the same
/// variables with the same dtype and shape, and every signature names what exists (TF1
/// `signature_def` tensors among the outer graph's nodes, TF2 concrete functions in the
/// library). TensorFlow's loader would fail on each of these later, with a less clear message.
public enum SavedModelVerifier {
    /// The bundle's file names, relative to the export directory.
    public static let indexFile = "variables/variables.index"
    public static let dataFile = "variables/variables.data-00000-of-00001"
    /// The bundle key of the trackable object graph, the one entry that is not a variable.
    static let objectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH"

    /// Reads and verifies the export in `directory`.
    /// - Throws: ``SavedModelDamage`` for the first defect found, or the reader's errors for a
    ///   missing or unparsable `saved_model.pb`.
    public static func read(_ directory: URL) throws -> SavedModelReader {
        let fm = FileManager.default
        let index = directory.appendingPathComponent(indexFile).path
        let data = directory.appendingPathComponent(dataFile).path
        func damaged(_ problem: String) -> SavedModelDamage {
            SavedModelDamage(directory: directory.path, problem: problem)
        }
        guard fm.fileExists(atPath: directory.appendingPathComponent("saved_model.pb").path) else {
            throw ExportError.unreadable(
                path: directory.path, message: "no saved_model.pb in the directory")
        }
        // The bundle carries the object graph TensorFlow restores from, so a TF2 export
        // always has both files, even without variables.
        guard fm.fileExists(atPath: index) else { throw damaged("\(indexFile) is missing") }
        guard fm.fileExists(atPath: data) else { throw damaged("\(dataFile) is missing") }
        let reader: SavedModelReader
        do {
            reader = try SavedModelReader(directory: directory)
        } catch let error as TensorBundleError {
            throw damaged("variables/" + (error.errorDescription ?? "\(error)"))
        }
        try verify(reader)
        return reader
    }

    /// Verifies an export already read; see ``read(_:)``.
    public static func verify(_ reader: SavedModelReader) throws {
        func damaged(_ problem: String) -> SavedModelDamage {
            SavedModelDamage(directory: reader.directory.path, problem: problem)
        }
        guard let bundle = reader.bundle else { throw damaged("\(indexFile) is missing") }
        for key in bundle.keys {
            do {
                _ = try bundle.tensorBytes(key: key)
            } catch let error as TensorBundleError {
                throw damaged("variables/" + (error.errorDescription ?? "\(error)"))
            }
        }
        try verifyVariables(reader, bundle, damaged)
        try verifySignatures(reader, damaged)
    }

    /// Every variable of the object graph is in the bundle under its checkpoint key with its
    /// dtype and shape, and the bundle holds nothing else.
    static func verifyVariables(
        _ reader: SavedModelReader, _ bundle: TensorBundleReader,
        _ damaged: (String) -> SavedModelDamage
    ) throws {
        let keys: [Int32: String]
        do {
            keys = try reader.variableCheckpointKeys()
        } catch {
            throw damaged(
                "\(indexFile) has no readable \(objectGraphKey) (\(error.localizedDescription))")
        }
        var expected = Set([objectGraphKey])
        for (i, node) in reader.objectGraph.nodes.enumerated() {
            guard case .variable(let variable) = node.kind else { continue }
            guard let key = keys[Int32(i)] else {
                throw damaged(
                    "variable \(variable.name) (object graph node \(i)) has no checkpoint key in the bundle's object graph"
                )
            }
            expected.insert(key)
            guard let entry = bundle.entries[key] else {
                throw damaged(
                    "variable \(variable.name) (object graph node \(i)): \(key) is not in \(indexFile)"
                )
            }
            let shape = variable.shape.dim.map { Int($0.size) }
            guard entry.dtype == variable.dtype, entry.shape == shape else {
                throw damaged(
                    "variable \(variable.name): \(indexFile) holds \(SavedModelInspector.name(entry.dtype)) \(entry.shape) under \(key), the object graph says \(SavedModelInspector.name(variable.dtype)) \(shape)"
                )
            }
        }
        if let unexpected = bundle.keys.first(where: { !expected.contains($0) }) {
            throw damaged(
                "\(indexFile) holds \(unexpected), which no variable of the object graph names")
        }
    }

    /// TF1 signature tensors are nodes of the outer graph; TF2 functions are in the library.
    static func verifySignatures(
        _ reader: SavedModelReader, _ damaged: (String) -> SavedModelDamage
    ) throws {
        let meta = reader.metaGraph
        let nodes = Set(meta.graphDef.node.map(\.name))
        func check(_ tensor: String, _ role: String) throws {
            // A tensor name is "node:output"; "^node" (control) and a bare "node" mean output 0.
            let node = String(tensor.split(separator: ":", maxSplits: 1).first ?? "")
            guard !node.isEmpty, nodes.contains(node) else {
                throw damaged("\(role) names tensor '\(tensor)', which is not a node of the graph")
            }
        }
        for key in meta.signatureDef.keys.sorted() {
            guard let signature = meta.signatureDef[key] else { continue }
            for name in signature.inputs.keys.sorted() {
                try check(
                    signature.inputs[name]?.name ?? "", "signature_def['\(key)'] input '\(name)'")
            }
            for name in signature.outputs.keys.sorted() {
                try check(
                    signature.outputs[name]?.name ?? "", "signature_def['\(key)'] output '\(name)'")
            }
        }
        for (i, asset) in meta.assetFileDef.enumerated() where !asset.tensorInfo.name.isEmpty {
            try check(asset.tensorInfo.name, "asset_file_def[\(i)] (\(asset.filename))")
        }
        let library = Set(meta.graphDef.library.function.map(\.signature.name))
        let concrete = reader.objectGraph.concreteFunctions
        for (i, node) in reader.objectGraph.nodes.enumerated() {
            let names: [String]
            switch node.kind {
            case .function(let f): names = f.concreteFunctions
            case .bareConcreteFunction(let f): names = [f.concreteFunctionName]
            default: continue
            }
            for name in names where !library.contains(name) || concrete[name] == nil {
                let place =
                    library.contains(name)
                    ? "the object graph's concrete_functions" : "the function library"
                throw damaged(
                    "object graph node \(i) calls concrete function \(name), which is not in \(place)"
                )
            }
        }
    }
}
