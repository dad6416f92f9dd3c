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
}
