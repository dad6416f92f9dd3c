import ArgumentParser
import Foundation
import GardenRecipes

/// `garden convert`: a checkpoint of ours into Model Garden's TensorFlow 2 checkpoint format.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a checkpoint into a TensorFlow 2 checkpoint for Model Garden.",
        discussion: """
            A bert_pretrainer checkpoint becomes what tf.train.Checkpoint(**pretrainer.\
            checkpoint_items) writes for Model Garden's BertPretrainerV2 (BertEncoderV2 \
            encoder and masked_lm head): <out>.index and <out>.data-00000-of-00001. The recipe \
            is the one the checkpoint stores.
            """)

    @Argument(help: "A checkpoint file, or a checkpoints directory (its latest checkpoint).")
    var checkpoint: String
    @Option(help: "The format to write: tf-checkpoint.")
    var to: String
    @Option(help: "The checkpoint prefix to write (e.g. /tmp/mg/ckpt-400).")
    var out: String
    @Flag(help: "Replace the files at --out if they exist.")
    var overwrite = false

    func run() throws {
        try runCommand {
            guard let format = Conversion.Format(rawValue: to) else {
                throw ConversionError.unknownFormat(to)
            }
            logLine(
                try Conversion.run(
                    checkpoint: URL(fileURLWithPath: checkpoint), format: format,
                    out: URL(fileURLWithPath: out), overwrite: overwrite))
        }
    }
}
