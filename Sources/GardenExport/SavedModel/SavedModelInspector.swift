import Foundation
import GardenTensor
import TFProto

/// A text summary of a SavedModel, like `saved_model_cli show --all`: tags, signatures,
/// the object tree, variables (dtype, shape, trainable, checkpoint key) and library functions.
public enum SavedModelInspector {
    /// The summary of the export in `directory`, after ``SavedModelVerifier`` found it whole.
    public static func describe(_ directory: URL) throws -> String {
        try describe(SavedModelVerifier.read(directory))
    }

    /// The summary of an export already read.
    public static func describe(_ reader: SavedModelReader) throws -> String {
        let meta = reader.metaGraph
        var lines = [
            "MetaGraphDef with tag-set: '\(meta.metaInfoDef.tags.joined(separator: ", "))'"
        ]
        lines.append("")
        lines.append("Signatures (signature_def, for TF1 / TF Serving):")
        if meta.signatureDef.isEmpty { lines.append("  (none)") }
        for key in meta.signatureDef.keys.sorted() {
            guard let signature = meta.signatureDef[key] else { continue }
            lines.append("  signature_def['\(key)']:")
            for input in signature.inputs.keys.sorted() {
                if let info = signature.inputs[input] {
                    lines.append("    inputs['\(input)'] \(describe(info))")
                }
            }
            for output in signature.outputs.keys.sorted() {
                if let info = signature.outputs[output] {
                    lines.append("    outputs['\(output)'] \(describe(info))")
                }
            }
            lines.append("    method name: \(signature.methodName)")
        }
        lines.append("")
        lines.append("Object graph:")
        let keys = (try? reader.variableCheckpointKeys()) ?? [:]
        var shown = Set<Int32>()
        appendTree(
            node: 0, name: "(root)", depth: 1, graph: reader.objectGraph, shown: &shown,
            into: &lines)
        lines.append("")
        lines.append("Variables:")
        for (i, node) in reader.objectGraph.nodes.enumerated() {
            guard case .variable(let v) = node.kind else { continue }
            let key = keys[Int32(i)].map { " key \($0)" } ?? ""
            lines.append(
                "  \(v.name) \(name(v.dtype)) \(Shape(v.shape))"
                    + "\(v.trainable ? " trainable" : " non-trainable")\(key)")
        }
        lines.append("")
        lines.append("Functions:")
        for function in meta.graphDef.library.function {
            let s = function.signature
            let inputs = s.inputArg.map { "\($0.name): \(name($0.type))" }.joined(separator: ", ")
            let outputs = s.outputArg.map { name($0.type) }.joined(separator: ", ")
            let ops = Set(function.nodeDef.map(\.op)).sorted().joined(separator: " ")
            lines.append("  \(s.name)(\(inputs)) -> (\(outputs))")
            lines.append("    ops: \(ops)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func appendTree(
        node: Int32, name label: String, depth: Int, graph: Tensorflow_SavedObjectGraph,
        shown: inout Set<Int32>, into lines: inout [String]
    ) {
        let indent = String(repeating: "  ", count: depth)
        guard Int(node) < graph.nodes.count else {
            lines.append("\(indent)\(label): <missing node \(node)>")
            return
        }
        let object = graph.nodes[Int(node)]
        let first = shown.insert(node).inserted
        lines.append(
            "\(indent)\(label): \(kind(object, graph: graph))\(first ? "" : " (shared, shown above)")"
        )
        guard first else { return }
        for child in object.children {
            appendTree(
                node: child.nodeID, name: child.localName, depth: depth + 1, graph: graph,
                shown: &shown, into: &lines)
        }
    }

    static func kind(_ object: Tensorflow_SavedObject, graph: Tensorflow_SavedObjectGraph) -> String
    {
        switch object.kind {
        case .userObject(let user): return user.identifier
        case .variable(let v): return "variable \(v.name) \(name(v.dtype)) \(Shape(v.shape))"
        case .function(let f): return "function [\(f.concreteFunctions.joined(separator: ", "))]"
        case .bareConcreteFunction(let f):
            return
                "concrete function \(f.concreteFunctionName)(\(f.argumentKeywords.joined(separator: ", ")))"
        case .asset(let a): return "asset #\(a.assetFileDefIndex)"
        case .resource: return "resource (lookup table)"
        case nil: return "<empty>"
        }
    }

    static func describe(_ info: Tensorflow_TensorInfo) -> String {
        "\(name(info.dtype)) \(Shape(info.tensorShape)) name: \(info.name)"
    }

    /// `DT_FLOAT` → `float`, as TF prints dtypes.
    static func name(_ type: Tensorflow_DataType) -> String {
        switch type {
        case .dtFloat: return "float"
        case .dtDouble: return "double"
        case .dtInt32: return "int32"
        case .dtInt64: return "int64"
        case .dtBool: return "bool"
        case .dtString: return "string"
        case .dtResource: return "resource"
        // The init op's output (`__saved_model_init_op`) is an op to run, not a tensor.
        case .dtInvalid: return "none (an op)"
        default: return "\(type)"
        }
    }
}
