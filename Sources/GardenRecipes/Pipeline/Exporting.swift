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
        func trace(training: Bool) -> GraphFunction {
            Tracer.trace(signature) { model.call($0, ForwardContext(training: training)) }
        }
        let losses = model.root.allRegularizers().map { r in
            Tracer.trace(arguments: []) { _ in
                [("output_0", r.regularizer.loss(r.parameter.read()))]
            }
        }
        var spec = SavedModelSpec(
            variables: model.parameters.map { ExportedVariable($0.parameter) },
            call: CallFunction(
                training: trace(training: true), inference: trace(training: false),
                signature: signature),
            regularizationLosses: losses, children: children, assets: assets)
        spec.constants = constants
        return spec
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
        let part = try ModelFactory.part(recipe, selection)
        let (used, report) = try Restore.into(part, from: checkpoint, allowPartial: allowPartial)
        log("restored \(used.path)")
        log(report.description)
        for note in part.notes + ExportNotes.warnings(recipe) { log("warning: \(note)") }
        var spec = spec(
            for: part.model, assets: part.assets, children: part.children(),
            constants: part.constants)
        // What the export cannot carry goes into the same atomic write, under assets.extra/.
        if let notes = ExportNotes.file(recipe) { spec.extraFiles.append(notes) }
        // The model card describes the signature as assembled, so it is built after assembly.
        var assembly = try SavedModelAssembler.assemble(spec)
        let card = ModelCard.make(
            recipe: recipe, part: part, selection: selection, spec: spec,
            assembly: assembly, checkpointFile: used,
            checkpoint: try Checkpoint.read(from: used), build: build)
        assembly.extraFiles.append(card.file)
        try SavedModelWriter.write(assembly, to: out, overwrite: overwrite)
        log("exported SavedModel to \(out.path)")
        return used
    }
}
