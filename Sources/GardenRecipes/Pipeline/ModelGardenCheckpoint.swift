import Foundation
import GardenExport
import GardenTensor
import GardenTrain

/// Reads the BERT encoder out of a TensorFlow 2 checkpoint written by Model Garden
/// (`official.nlp.modeling`: `BertPretrainerV2` around a `BertEncoderV2`) into a `Checkpoint`
/// with this project's variable paths, so restoring, exporting and predicting work on it as on
/// one of ours.
///
/// The encoder is found through the checkpoint's object graph, under one of the layouts Model
/// Garden users write: `tf.train.Checkpoint(**pretrainer.checkpoint_items)` and
/// `tf.train.Checkpoint(encoder=encoder)` put it at `encoder`, `tf.train.Checkpoint(model=
/// pretrainer)` at `model/encoder_network`. Below it, `BertEncoderV2`'s attribute names map one
/// to one onto ours (`encoderPath`). Model Garden's attention projections are `EinsumDense`
/// layers with per-head shapes (`[H, A, H/A]` kernels, `[A, H/A]` biases); ours are plain
/// `[H, H]` dense layers holding the same numbers in the same row-major order, so those
/// tensors are reshaped, never transposed.
public enum ModelGardenCheckpoint {
    /// Where the encoder and the masked-LM head sit in each layout, tried in order (a bare
    /// encoder checkpoint has no head).
    static let layouts: [(encoder: [String], head: [String])] = [
        (["encoder"], ["masked_lm"]), (["model", "encoder_network"], ["model", "masked_lm"]),
    ]

    /// Whether `url` is a TensorFlow checkpoint prefix (`<url>.index` exists) rather than one of
    /// our HDF5 checkpoints or a directory of them.
    public static func isTensorFlowCheckpoint(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path + ".index")
    }

    /// The encoder's and masked-LM head's variables under our names (`encoder/...`,
    /// `masked_lm/...`). Model Garden variables there without a counterpart here keep their own
    /// path (so a restore reports them as unexpected); others (the next-sentence head, which
    /// Model Garden builds differently) are not read.
    /// - Returns: the checkpoint, and a line saying what was found where.
    /// - Throws: ``TensorBundleError`` for an unreadable checkpoint; `CheckpointError.incompatible`
    ///   when no layout above holds a BERT encoder.
    public static func read(prefix: URL) throws -> (Checkpoint, String) {
        let checkpoint = try ObjectBasedCheckpoint(prefix: prefix)
        guard
            let layout = layouts.first(where: {
                checkpoint.node(at: $0.encoder + ["_transformer_layers"]) != nil
            }), let encoder = checkpoint.node(at: layout.encoder)
        else {
            throw CheckpointError.incompatible(
                file: prefix.path + ".index",
                report:
                    "no Model Garden BERT encoder in the object graph (looked for a BertEncoderV2 at \(layouts.map { $0.encoder.joined(separator: "/") }.joined(separator: " and ")))"
            )
        }
        var variables: [(path: String, value: Tensor)] = []
        func add(_ node: Int, prefix: String, _ rename: ([String]) -> (path: String, merge: Merge)?)
            throws
        {
            for (path, key) in checkpoint.variables(under: node) where path != ["embedding_table"] {
                let (values, shape) = try checkpoint.floats(key: key)
                let ours = rename(path)
                let value = Tensor(values, shape: ours.map { flattened(shape, $0.merge) } ?? shape)
                variables.append((prefix + (ours?.path ?? path.joined(separator: "/")), value))
            }
        }
        try add(encoder, prefix: "encoder/", encoderPath)
        var found = "BERT encoder at `\(layout.encoder.joined(separator: "/"))`"
        if let head = checkpoint.node(at: layout.head) {
            try add(head, prefix: "masked_lm/", maskedLMPath)
            found += ", masked-LM head at `\(layout.head.joined(separator: "/"))`"
        } else {
            found += ", no masked-LM head"
        }
        let total = checkpoint.graph.nodes.indices.filter {
            checkpoint.variableKey(ofNode: $0) != nil
        }.count
        let note =
            "Model Garden checkpoint: \(found) (\(variables.count) variables read, \(total - variables.count) others not)"
        return (
            Checkpoint(step: 0, seed: 0, recipe: "", variables: variables, optimizerSlots: []),
            note
        )
    }

    /// Our path below `masked_lm/` for a variable of Model Garden's `MaskedLM` layer (its
    /// `embedding_table` is the encoder's word embeddings, read there).
    static func maskedLMPath(_ path: [String]) -> (path: String, merge: Merge)? {
        switch path.first {
        case "dense" where path.count == 2: return ("transform/" + path[1], .none)
        case "layer_norm" where path.count == 2: return ("layer_norm/" + path[1], .none)
        case "output_bias/bias", "bias": return ("output_bias/bias", .none)
        default: return nil
        }
    }

    /// Which dimensions of a Model Garden tensor merge into one of ours.
    enum Merge { case none, lastTwo, firstTwo, all }

    /// Our path (below `encoder/`) for a variable at `path` below a `BertEncoderV2`, and how its
    /// shape folds into ours; nil for a variable we do not have.
    static func encoderPath(_ path: [String]) -> (path: String, merge: Merge)? {
        let embeddings: [String: String] = [
            "_embedding_layer": "word_embeddings",
            "_position_embedding_layer": "position_embedding",
            "_type_embedding_layer": "type_embeddings",
        ]
        switch path.count {
        case 2:
            if let ours = embeddings[path[0]], path[1] == "embeddings" {
                return (ours + "/embeddings", .none)
            }
            if path[0] == "_embedding_norm_layer" {
                return ("embeddings/layer_norm/" + path[1], .none)
            }
            if path[0] == "_pooler_layer" { return ("pooler_transform/" + path[1], .none) }
        case 4 where path[0] == "_transformer_layers":
            let sublayers = [
                "_attention_layer_norm": "self_attention_layer_norm",
                "_intermediate_dense": "intermediate", "_output_dense": "output",
                "_output_layer_norm": "output_layer_norm",
            ]
            guard let ours = sublayers[path[2]], Int(path[1]) != nil else { return nil }
            return ("transformer/layer_\(path[1])/\(ours)/\(path[3])", .none)
        case 5 where path[0] == "_transformer_layers" && path[2] == "_attention_layer":
            let projections = [
                "_query_dense": "query", "_key_dense": "key", "_value_dense": "value",
                "_output_dense": "attention_output",
            ]
            guard let ours = projections[path[3]], Int(path[1]) != nil else { return nil }
            let merge: Merge =
                path[4] == "bias"
                ? (path[3] == "_output_dense" ? .none : .all)
                : (path[3] == "_output_dense" ? .firstTwo : .lastTwo)
            return ("transformer/layer_\(path[1])/self_attention/\(ours)/\(path[4])", merge)
        default:
            break
        }
        return nil
    }

    /// `shape` with the dimensions `merge` names multiplied together; unchanged when its rank
    /// does not fit (a restore then reports the shape mismatch).
    static func flattened(_ shape: [Int], _ merge: Merge) -> [Int] {
        switch merge {
        case .none: return shape
        case .all: return shape.count == 2 ? [shape[0] * shape[1]] : shape
        case .lastTwo: return shape.count == 3 ? [shape[0], shape[1] * shape[2]] : shape
        case .firstTwo: return shape.count == 3 ? [shape[0] * shape[1], shape[2]] : shape
        }
    }

    /// Every variable path of a `BertEncoderV2` with `layers` blocks, in Model Garden's
    /// attribute names (what `encoderPath` maps from).
    static func encoderAttributePaths(layers: Int) -> [[String]] {
        var paths = [
            ["_embedding_layer", "embeddings"], ["_position_embedding_layer", "embeddings"],
            ["_type_embedding_layer", "embeddings"], ["_embedding_norm_layer", "gamma"],
            ["_embedding_norm_layer", "beta"], ["_pooler_layer", "kernel"],
            ["_pooler_layer", "bias"],
        ]
        let dense = ["kernel", "bias"]
        let norm = ["gamma", "beta"]
        for layer in 0..<layers {
            let block = ["_transformer_layers", "\(layer)"]
            for projection in ["_query_dense", "_key_dense", "_value_dense", "_output_dense"] {
                paths += dense.map { block + ["_attention_layer", projection, $0] }
            }
            paths += norm.map { block + ["_attention_layer_norm", $0] }
            paths += dense.map { block + ["_intermediate_dense", $0] }
            paths += dense.map { block + ["_output_dense", $0] }
            paths += norm.map { block + ["_output_layer_norm", $0] }
        }
        return paths
    }

    /// Our `shape` unfolded into Model Garden's per-head shape (`merge` says which dimension
    /// splits; `heads` is the number of attention heads).
    static func unflattened(_ shape: [Int], _ merge: Merge, heads: Int) -> [Int] {
        switch merge {
        case .none: return shape
        case .all: return [heads, shape[0] / heads]
        case .lastTwo: return [shape[0], heads, shape[1] / heads]
        case .firstTwo: return [heads, shape[0] / heads, shape[1]]
        }
    }

    /// Writes the encoder and masked-LM head of `checkpoint` (one of our BERT pretrainer
    /// checkpoints) as the TensorFlow 2 checkpoint `tf.train.Checkpoint(
    /// **pretrainer.checkpoint_items)` writes for a Model Garden `BertPretrainerV2` without
    /// classification heads: `encoder` (a `BertEncoderV2`) and `masked_lm`, the word embeddings
    /// stored once and reachable from both. Our next-sentence head has no counterpart there
    /// and is left out.
    /// - Returns: the number of variables written.
    /// - Throws: `CheckpointError.incompatible` when a variable is missing or of another shape;
    ///   ``TensorBundleError`` when writing fails.
    public static func write(
        _ checkpoint: Checkpoint, layers: Int, heads: Int, file: String, to prefix: URL
    ) throws -> Int {
        let ours = Dictionary(
            checkpoint.variables.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        func value(_ path: String) throws -> Tensor {
            guard let tensor = ours[path], tensor.dtype == .float32 else {
                throw CheckpointError.incompatible(
                    file: file, report: "no float32 variable \(path) of a BERT pretrainer")
            }
            return tensor
        }
        var writer = ObjectBasedCheckpointWriter()
        var wordEmbeddings: Int?
        for path in encoderAttributePaths(layers: layers) {
            guard let (name, merge) = encoderPath(path) else { continue }
            let tensor = try value("encoder/" + name)
            let shape = unflattened(tensor.shape, merge, heads: heads)
            guard shape.reduce(1, *) == tensor.shape.reduce(1, *) else {
                throw CheckpointError.incompatible(
                    file: file,
                    report:
                        "encoder/\(name) has shape \(tensor.shape), which \(heads) attention heads do not divide"
                )
            }
            let node = try writer.addVariable(
                at: ["encoder"] + path, name: "encoder/" + name, values: tensor.floats, shape: shape
            )
            if path[0] == "_embedding_layer" { wordEmbeddings = node }
        }
        for (path, name) in [
            (["dense", "kernel"], "transform/kernel"), (["dense", "bias"], "transform/bias"),
            (["layer_norm", "gamma"], "layer_norm/gamma"),
            (["layer_norm", "beta"], "layer_norm/beta"),
        ] {
            let tensor = try value("masked_lm/" + name)
            try writer.addVariable(
                at: ["masked_lm"] + path, name: "masked_lm/" + name, values: tensor.floats,
                shape: tensor.shape)
        }
        let bias = try value("masked_lm/output_bias/bias")
        let biasNode = try writer.addVariable(
            at: ["masked_lm", "output_bias/bias"], name: "masked_lm/output_bias/bias",
            values: bias.floats, shape: bias.shape)
        // MaskedLM tracks its bias under both names, and the word embeddings as its table.
        try writer.addAlias(["masked_lm", "bias"], to: biasNode)
        if let wordEmbeddings {
            try writer.addAlias(["masked_lm", "embedding_table"], to: wordEmbeddings)
        }
        try writer.write(prefix: prefix)
        return encoderAttributePaths(layers: layers).count + 5
    }
}
