import Foundation
import GardenExport
import GardenModels
import GardenNN
import GardenRecipes
import GardenTensor

/// `garden-bench export SIZE --out DIR [--repeats R]`: times the export of a BERT encoder (the
/// core model, random weights, no training) with our SavedModel writer, as one JSON line.
///
/// SIZE is `bert_base` (L=12, H=768, A=12, I=3072, vocab 30522, 512 positions) or `bert_tiny`
/// (the encoder of `Recipes/bert_tiny.yaml` when that recipe builds a BERT pretrainer, else
/// Google's BERT-Tiny: L=2, H=128, A=2, I=512, vocab 30522). The timed work is what
/// `garden export` does after restoring: trace `__call__` for training and inference, build
/// the protos and the tensor bundle, write and rename the directory.
enum ExportBenchmark {
    static func run(_ args: BenchArguments) throws {
        guard let size = args.positional.first else {
            throw BenchError.usage("export needs SIZE (bert_tiny or bert_base)")
        }
        let outPath = try args.required("out", "DIR", for: "export")
        let repeats = max(try args.int("repeats", 1), 1)
        let config = try encoderConfig(size)
        var encoder: BertEncoder?
        let buildSeconds = Stopwatch.seconds {
            encoder = BertEncoder(config, initializer: Initializer(seed: 1))
        }
        guard let encoder else { return }
        let out = URL(fileURLWithPath: outPath)
        var traceSeconds: [Double] = [], writeSeconds: [Double] = [], totalSeconds: [Double] = []
        for _ in 0..<repeats {
            var spec: SavedModelSpec?
            let trace = Stopwatch.seconds { spec = Exporting.spec(for: encoder) }
            guard let spec else { return }
            let write = try Stopwatch.seconds {
                try SavedModelWriter.write(spec, to: out, overwrite: true)
            }
            traceSeconds.append(trace); writeSeconds.append(write);
            totalSeconds.append(trace + write)
        }
        let params = encoder.parameters.map(\.parameter.value.count).reduce(0, +)
        print(
            JSONValue.object([
                ("bench", .string("export")), ("impl", .string("swiftgarden")),
                ("size", .string(size)),
                ("config", configJSON(config)),
                ("parameters", .int(params)),
                ("build_seconds", .number(buildSeconds)),
                ("median_seconds", .number(Stopwatch.median(totalSeconds))),
                ("samples_seconds", .array(totalSeconds.map { .number($0) })),
                ("trace_seconds", .number(Stopwatch.median(traceSeconds))),
                ("write_seconds", .number(Stopwatch.median(writeSeconds))),
                ("bytes", .int(directoryBytes(out))),
                ("peak_rss_mib", .number(PeakMemory.mebibytes)),
            ]).text)
    }

    /// An encoder's hyperparameters under the recipe's key names (what the peers read).
    static func configJSON(_ c: BertEncoder.Config) -> JSONValue {
        .object([
            ("num_layers", .int(c.numLayers)), ("hidden_size", .int(c.hiddenSize)),
            ("num_attention_heads", .int(c.numAttentionHeads)),
            ("intermediate_size", .int(c.intermediateSize)), ("vocab_size", .int(c.vocabSize ?? 0)),
            ("max_sequence_length", .int(c.maxSequenceLength)),
            ("type_vocab_size", .int(c.typeVocabSize)),
            ("dropout_rate", .number(Double(c.dropoutRate))),
            ("attention_dropout_rate", .number(Double(c.attentionDropoutRate))),
            ("initializer_range", .number(Double(c.initializerRange))),
        ])
    }

    /// The encoder hyperparameters of a SIZE name.
    static func encoderConfig(_ size: String) throws -> BertEncoder.Config {
        switch size {
        case "bert_base":
            return .init(
                vocabSize: 30522, hiddenSize: 768, numLayers: 12, numAttentionHeads: 12,
                intermediateSize: 3072, maxSequenceLength: 512,
                kernelRegularizer: Regularizer(kind: .none))
        case "bert_tiny":
            let path = "Recipes/bert_tiny.yaml"
            if FileManager.default.fileExists(atPath: path),
                let pretrainer = ModelFactory.make(try RecipeLoader.load(path: path))
                    as? BertPretrainer
            {
                return pretrainer.encoder.config
            }
            return .init(
                vocabSize: 30522, hiddenSize: 128, numLayers: 2, numAttentionHeads: 2,
                intermediateSize: 512, maxSequenceLength: 512,
                kernelRegularizer: Regularizer(kind: .none))
        default:
            throw BenchError.usage("export SIZE must be bert_tiny or bert_base, got '\(size)'")
        }
    }

    /// The total size of the regular files under `dir`.
    static func directoryBytes(_ dir: URL) -> Int {
        let keys: [URLResourceKey] = [.fileSizeKey, .isRegularFileKey]
        guard let walk = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: keys)
        else { return 0 }
        var total = 0
        for case let url as URL in walk {
            let v = try? url.resourceValues(forKeys: Set(keys))
            if v?.isRegularFile == true { total += v?.fileSize ?? 0 }
        }
        return total
    }
}
