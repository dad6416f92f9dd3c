import Foundation
import GardenExport
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// Text in for the BERT family: the tokenizer and packing as TensorFlow ops
/// (``BertPreprocessing``), either alone (`garden export --part preprocess`: Model Garden's
/// stand-alone preprocessing SavedModel) or in front of any part that takes the three id tensors
/// (`export.text_input: true`).
///
/// Outputs are `seq_length = model.max_sequence_length` wide (the longest input the encoder's
/// position embeddings take; Model Garden's exports default to 128, as `bert_tiny` does).
/// The vocabulary is the export's `assets/vocab.txt`, read by a lookup table the loaders fill.
public enum BertTextInput {
    /// The one-sentence input and the pair's second one.
    public static let text = "text", textB = "text_b"
    /// The signature of sentence pairs.
    public static let pairSignatureKey = "text_pair"
    /// Where the ids-in signature goes in a text-in export (`serving_default` takes text).
    public static let idsSignatureKey = "serving_ids"

    /// The preprocessing of `vocabulary` into `seqLength` columns.
    public static func preprocessing(_ vocabulary: Vocabulary, seqLength: Int, lowerCase: Bool)
        -> BertPreprocessing
    {
        BertPreprocessing(
            table: ExportedTable(
                name: "vocab_table", asset: "vocab_file", contents: vocabulary.fileContents),
            lowerCase: lowerCase, seqLength: seqLength,
            cls: vocabulary.specialID(Vocabulary.cls), sep: vocabulary.specialID(Vocabulary.sep),
            pad: vocabulary.specialID(Vocabulary.pad))
    }

    /// `--part preprocess`: `__call__(text)` and `serving_default(text)` → the three ids,
    /// `text_pair(text, text_b)`; no variables (nothing is restored from the checkpoint), the
    /// vocabulary asset, `do_lower_case`.
    static func preprocessPart(_ vocabulary: Vocabulary, _ p: BertPreprocessing) -> ExportPart {
        var part = ExportPart(
            model: PreprocessingModel(p), skippedCheckpointPrefixes: [""],
            assets: [
                ExportedAsset(
                    name: "vocab_file", filename: "vocab.txt", contents: vocabulary.fileContents)
            ],
            restoredParameters: [], constants: [.bool("do_lower_case", p.lowerCase)])
        part.tables = [p.table]
        part.signatures = { [pairSignature(p) { $0 }] }
        return part
    }

    /// `export.text_input`: `part` (whose model takes `input_word_ids`, `input_mask` and
    /// `input_type_ids`) with `serving_default(text)` and `text_pair(text, text_b)` returning the
    /// model's outputs; `__call__` keeps taking ids, and the ids signature moves to
    /// `serving_ids`. The part's `vocab_file` asset is the table's.
    public static func wrap(_ part: ExportPart, _ p: BertPreprocessing) -> ExportPart {
        var wrapped = part
        let model = part.model
        let infer = { (ids: Nested<Tensor>) in model.call(ids, ForwardContext(training: false)) }
        let single = Signature(
            inputs: p.signature(inputs: [text]).inputs, outputs: model.signature.outputs)
        wrapped.tables = part.tables + [p.table]
        wrapped.servingSignatureKey = idsSignatureKey
        let signatures = part.signatures
        wrapped.signatures = {
            [
                (
                    "serving_default",
                    Tracer.trace(single) { infer(p.pack($0.leaves)) }, single
                ),
                pairSignature(p, outputs: model.signature.outputs, infer),
            ] + signatures()
        }
        return wrapped
    }

    /// `text_pair(text, text_b)`: the packed pair through `then`.
    static func pairSignature(
        _ p: BertPreprocessing, outputs: Nested<TensorSpec>? = nil,
        _ then: @escaping (Nested<Tensor>) -> Nested<Tensor>
    ) -> (key: String, function: GraphFunction, signature: Signature) {
        let packed = p.signature(inputs: [text, textB])
        let signature = Signature(inputs: packed.inputs, outputs: outputs ?? packed.outputs)
        let function = Tracer.trace(signature) { xs in then(p.pack([xs[text], xs[textB]])) }
        return (pairSignatureKey, function, signature)
    }
}

/// The stand-alone preprocessing as a `Model` without parameters, so it exports as every model
/// does (`__call__` and `serving_default` from its signature).
final class PreprocessingModel: Model {
    let preprocessing: BertPreprocessing
    let root = Module(name: "preprocess")
    init(_ preprocessing: BertPreprocessing) { self.preprocessing = preprocessing }
    var signature: Signature { preprocessing.signature(inputs: [BertTextInput.text]) }
    func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        preprocessing.pack(inputs.leaves)
    }
}
