import Foundation
import GardenExport
import GardenModels
import GardenTensor

/// The piece of a trained model that `garden export` and `garden predict --part` work on.
///
/// For `mul` and `mlp` it is the whole model. For the BERT family it is the core `encoder`
/// (restored from the pretrainer checkpoint's `encoder/` items); for the ResNet family the
/// sub-model up to a named layer. The family decides, in `ModelFactory.part`.
public struct ExportPart {
    /// The model to restore, run and export; its parameter paths are relative to
    /// `checkpointPrefix`.
    public var model: Model
    /// Where this part's variables live in the training checkpoint (`""` or `"encoder/"`).
    public var checkpointPrefix: String
    /// Checkpoint variables outside this part that are expected and skipped (the heads of a
    /// pretrainer when exporting its encoder), so they are not reported as unexpected.
    public var skippedCheckpointPrefixes: [String]
    /// Files for `assets/` (e.g. `vocab.txt`).
    public var assets: [ExportedAsset]
    /// Child objects of the export (e.g. BERT's `mlm` head), traced after restoring.
    public var children: () -> [ChildObject]
    /// Lines for the export log and metadata (e.g. optimizer-internal regularization warnings).
    public var notes: [String]
    /// Checkpoint paths and parameters to restore when the part holds more than `model` (BERT's
    /// masked-LM head for the `mlm` child); nil restores `model.parameters` under
    /// `checkpointPrefix`.
    public var restoredParameters: [(path: String, parameter: Parameter)]?
    /// Non-trainable metadata variables of the export (BERT's `do_lower_case`).
    public var constants: [ExportedConstant] = []
    /// Children whose variables (under `prefix` in the checkpoint) a Model Garden checkpoint
    /// may lack: BERT's `mlm` head, absent from a bare `tf.train.Checkpoint(encoder=...)`.
    public var optionalChildren: [(prefix: String, child: String)] = []
    /// Lookup tables of the export (the tokenizer's vocabulary table, ``BertTextInput``).
    public var tables: [ExportedTable] = []
    /// Signatures beside `__call__`'s, traced after restoring (text in: `serving_default`,
    /// `text_pair`).
    public var signatures: () -> [(key: String, function: GraphFunction, signature: Signature)] = {
        []
    }
    /// The key of the signature over `__call__`'s ids (`serving_ids` when `serving_default`
    /// takes text).
    public var servingSignatureKey = "serving_default"

    public init(
        model: Model, checkpointPrefix: String = "", skippedCheckpointPrefixes: [String] = [],
        assets: [ExportedAsset] = [], children: @escaping () -> [ChildObject] = { [] },
        notes: [String] = [], restoredParameters: [(path: String, parameter: Parameter)]? = nil,
        constants: [ExportedConstant] = []
    ) {
        self.restoredParameters = restoredParameters; self.constants = constants
        self.model = model; self.checkpointPrefix = checkpointPrefix
        self.skippedCheckpointPrefixes = skippedCheckpointPrefixes
        self.assets = assets; self.children = children; self.notes = notes
    }
}

/// Which part to export or run, as the command line and the recipe say.
public struct PartSelection: Sendable, Equatable {
    /// `--part NAME` (a checkpoint item such as `encoder`); nil for the family's default.
    public var part: String?
    /// `--extract-to LAYER` (a named layer of a classifier); nil for the recipe's default.
    public var extractTo: String?

    public init(part: String? = nil, extractTo: String? = nil) {
        self.part = part; self.extractTo = extractTo
    }
}

/// A part name or layer name the model does not have.
public struct PartError: Error, LocalizedError, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
}
