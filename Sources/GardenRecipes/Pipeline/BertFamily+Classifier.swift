import Foundation
import GardenExport
import GardenModels
import GardenNN

/// The `bert_classifier` model type in the pipeline: the classifier it trains, and its
/// exports: the whole classifier (logits out, with the vocabulary and the label list as
/// assets), or with `--part encoder` the fine-tuned core alone, in the same layout as a
/// pre-trainer's `encoder` export; with `export.text_input` their `serving_default` takes text,
/// and `--part preprocess` is the stand-alone tokenizer. Its data and loss: `SentenceClassificationTask`.
extension BertFamily {
    /// The parts of a classifier that `--part` may name (omitted: the whole classifier).
    public static let classifierParts = ["encoder", "preprocess"]

    /// The classifier to train or export; nil rates keep the recipe's training values.
    static func classifier(
        _ recipe: Recipe, _ c: BertClassifier.Config, dropoutRate: Float? = nil,
        attentionDropoutRate: Float? = nil
    ) -> BertClassifier {
        var config = c
        config.encoder = encoderConfig(
            recipe, c.encoder, dropoutRate: dropoutRate,
            attentionDropoutRate: attentionDropoutRate)
        if let dropoutRate { config.classifierDropoutRate = dropoutRate }
        return BertClassifier(
            config, initializer: Initializer(seed: UInt64(truncatingIfNeeded: recipe.seed)))
    }

    /// The whole classifier with the export's dropout rates (vocabulary as `vocab_file`,
    /// label list as `labels_file`, `do_lower_case`), or its `encoder` part.
    static func classifierPart(
        _ recipe: Recipe, _ c: BertClassifier.Config, _ selection: PartSelection
    ) throws -> ExportPart {
        let type = BertClassifier.Config.typeName
        if let l = selection.extractTo {
            throw PartError(
                "model.type \(type) has no named layer '\(l)' to extract to (omit --extract-to; use --part encoder for the encoder)"
            )
        }
        if let name = selection.part ?? recipe.export.part {
            guard classifierParts.contains(name) else {
                throw PartError(
                    "model.type \(type) has no part '\(name)'; valid parts: \(classifierParts.joined(separator: ", ")) (omit --part for the whole classifier)"
                )
            }
            let vocab = try vocabulary(recipe)
            if name == "preprocess" { return preprocessPart(vocab, c.encoder) }
            return withTextInput(
                encoderPart(recipe, c.encoder, vocab, skipping: ["classifier/"]).1, recipe, vocab,
                c.encoder)
        }
        let vocab = try vocabulary(recipe)
        let model = classifier(
            recipe, c, dropoutRate: recipe.export.dropoutRate,
            attentionDropoutRate: recipe.export.attentionDropoutRate)
        let labels = try SentenceData.classNames(recipe, c)
        let part = ExportPart(
            model: model,
            assets: [
                vocabularyAsset(vocab),
                ExportedAsset(
                    name: "labels_file", filename: "labels.txt",
                    contents: SentenceData.labelsFile(labels)),
            ],
            constants: [.bool("do_lower_case", doLowerCase)])
        return withTextInput(part, recipe, vocab, c.encoder)
    }
}
