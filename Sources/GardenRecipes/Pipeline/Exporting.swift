import Foundation
import GardenExport
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// `garden export`: restores a checkpoint into the recipe's model and writes a SavedModel.
public enum Exporting {
    /// Traces `model` into what the SavedModel writer needs: `__call__` for training true and
    /// false, one regularization function per regularized weight, every variable.
    public static func spec(
        for model: Model, assets: [ExportedAsset] = [],
        children: [ChildObject] = [],
        constants: [ExportedConstant] = []
    ) -> SavedModelSpec {
        let signature = model.signature
        let rates = dropoutRateVariables(model.root)
        func trace(training: Bool) -> GraphFunction {
            Tracer.trace(signature) {
                let ctx = ForwardContext(training: training)
                if training { ctx.dropoutRates = rates }
                return model.call($0, ctx)
            }
        }
        let losses = model.root.allRegularizers().map { r in
            Tracer.trace(arguments: []) { _ in
                [("output_0", r.regularizer.loss(r.parameter.read()))]
            }
        }
        var spec = SavedModelSpec(
            variables: model.parameters.map { ExportedVariable($0.parameter) }
                + Dropout.Role.allCases.compactMap { rates[$0] }.map {
                    ExportedVariable($0, trainable: false)
                },
            call: CallFunction(
                training: trace(training: true), inference: trace(training: false),
                signature: signature),
            regularizationLosses: losses, children: children, assets: assets)
        spec.constants = constants
        return spec
    }

    /// One non-trainable scalar variable per dropout role the model uses, named by the role
    /// (`dropout_rate`, `attention_dropout_rate`) and holding its layers' rate: the TF Hub guide
    /// asks for dropout a consumer can adjust, and Keras layers offer none, so the export's
    /// `training=True` trace reads the rates from these root variables.
    static func dropoutRateVariables(_ root: Module) -> [Dropout.Role: Parameter] {
        var rates: [Dropout.Role: Parameter] = [:]
        for case let layer as Dropout in root.descendants where rates[layer.role] == nil {
            rates[layer.role] = Parameter(
                Tensor([layer.rate], shape: []), path: layer.role.rawValue, trainable: false)
        }
        return rates
    }

    /// Restores `checkpoint` (a file, or a directory meaning its latest) into the selected part
    /// and exports it to `out`. The export's dropout rate is `export.dropout_rate`, defaulting to
    /// the training rate. Prints the restore report before exporting.
    @discardableResult
    public static func run(
        _ recipe: Recipe, checkpoint: URL, out: URL, overwrite: Bool,
        selection: PartSelection = PartSelection(), allowPartial: Bool = false,
        build: BuildInfo = .current(), log: (String) -> Void
    ) throws -> URL {
        // Refuse a taken --out before any work, so the only output is the error.
        try SavedModelWriter.checkTarget(out, overwrite: overwrite)
        try OutputTarget.checkOutsideCheckpoints(out, checkpoint: checkpoint)
        var part = try ModelFactory.part(recipe, selection)
        let (used, report, checkpointRead) = try Restore.into(
            &part, from: checkpoint, allowPartial: allowPartial, log: log)
        log("restored \(used.path)")
        log(report.description)
        for note in part.notes + ExportNotes.warnings(recipe) { log("warning: \(note)") }
        var spec = spec(
            for: part.model, assets: part.assets, children: part.children(),
            constants: part.constants)
        spec.tables = part.tables
        spec.extraSignatures = part.signatures()
        spec.servingSignatureKey = part.servingSignatureKey
        // What the export cannot carry goes into the same atomic write, under assets.extra/.
        if let notes = ExportNotes.file(recipe) { spec.extraFiles.append(notes) }
        // The model card describes the signature as assembled, so it is built after assembly.
        var assembly = try SavedModelAssembler.assemble(spec)
        let card = ModelCard.make(
            recipe: recipe, part: part, selection: selection, spec: spec,
            assembly: assembly, checkpointFile: used,
            checkpoint: checkpointRead, build: build)
        assembly.extraFiles.append(card.file)
        try SavedModelWriter.write(assembly, to: out, overwrite: overwrite)
        log("exported SavedModel to \(out.path)")
        return used
    }
}
