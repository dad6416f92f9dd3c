import Foundation
import GardenExport
import GardenRecipes
import GardenTrain

/// The inputs a fuzzer may throw at SwiftGarden: each target feeds one untrusted byte string to
/// one reader the CLI runs on user files. A target returns normally for accepted input and for
/// every thrown error (the contract is a clean error, not acceptance); only a trap, a signal, a
/// hang, an allocation beyond the budget, or a broken invariant counts as a finding.
///
/// `scripts/fuzz` drives them with libFuzzer (the `Fuzz/` package); `FuzzRegressionTests`
/// replays every committed crasher in `Fuzz/regressions/<target>/` on each `swift test`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A recipe text with its includes and `--set` arguments (lines `#--set KEY=VALUE`),
    /// loaded, validated and round-tripped through `recipe.yaml`.
    case recipe
    /// A checkpoint file (HDF5), read as `garden export` and `inspect` read it.
    case checkpoint
    /// A tensor bundle: the bytes split into `variables.index` and the data file.
    case bundle
    /// A `saved_model.pb`, read and listed as `garden inspect` does.
    case savedModel = "saved_model"
    /// An HDF5 file of inputs for `garden predict` on a small trained MLP.
    case predictInput = "predict_input"
    /// A BERT classifier's CSV table (`data.path` and `data.eval_path`), also parsed as TSV.
    case table
    /// A `vocab.txt` (`data.vocab`) tokenizing a fixed table and fixed texts.
    case vocabulary = "vocab"
    /// A BERT pre-training corpus (`data.path`, `data.source: text`).
    case corpus

    /// Runs one input. Errors thrown by the code under test are the expected outcome of bad
    /// input; an invariant broken by accepted input stops the process (a fuzzer finding).
    /// - Parameters:
    ///   - data: The input bytes.
    ///   - workspace: The folder with the target's fixed files (see `FuzzWorkspace`).
    public func run(_ data: Data, in workspace: FuzzWorkspace) {
        do {
            switch self {
            case .recipe: try RecipeFuzzing.run(data, in: workspace)
            case .checkpoint: try ReaderFuzzing.checkpoint(data, in: workspace)
            case .bundle: try ReaderFuzzing.bundle(data)
            case .savedModel: try ReaderFuzzing.savedModel(data, in: workspace)
            case .predictInput: try ReaderFuzzing.predictInput(data, in: workspace)
            case .table: try TextFuzzing.table(data, in: workspace)
            case .vocabulary: try TextFuzzing.vocabulary(data, in: workspace)
            case .corpus: try TextFuzzing.corpus(data, in: workspace)
            }
        } catch {
            // An error must still be one non-empty line once the CLI joins it.
            let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            guard !message.isEmpty else { fatalError("fuzz: empty error message for \(error)") }
        }
    }
}
