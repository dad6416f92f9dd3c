import Foundation
import GardenHDF5
import GardenRecipes

/// The fixed files the fuzz targets run against, made once per process in a fresh temporary
/// folder: include fragments for recipes, and a tiny MLP trained for 2 steps with its
/// checkpoint, export and an inputs file (the seeds of the reader targets).
public final class FuzzWorkspace: @unchecked Sendable {
    /// The folder.
    public let root: URL
    /// Where fuzzed recipes live and look up their includes (`Configs/` holds fragments).
    public let recipes: URL
    /// The recipe of the trained MLP.
    public let recipe: Recipe
    /// Its checkpoint, export and a valid predict input.
    public let checkpoint: URL, export: URL, inputs: URL

    /// The recipe of the trained model: small enough to train and predict in milliseconds.
    static let mlpRecipe = """
        name: fuzz
        model: {type: mlp, input_size: 4, hidden_sizes: [8], num_classes: 3}
        data: {num_examples: 64, batch_size: 8}
        train: {steps: 2, checkpoint_every: 2, log_every: 2, eval_every: 2, threads: 1}
        """

    /// Include fragments: a diamond (`top` includes `left` and `right`, both include `base`).
    static let fragments = [
        "base.yaml": "seed: 7\ndata: {num_examples: 64, batch_size: 8}\n",
        "left.yaml": "include: base.yaml\nmodel: {type: mlp, hidden_sizes: [8]}\n",
        "right.yaml": "include: [base.yaml]\ntrain: {steps: 3}\n",
        "top.yaml": "include: [left.yaml, right.yaml]\n",
        "cycle_a.yaml": "include: cycle_b.yaml\n",
        "cycle_b.yaml": "include: cycle_a.yaml\n",
    ]

    /// Makes the workspace under the system's temporary folder.
    public init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("garden-fuzz-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: root)
        recipes = root.appendingPathComponent("recipes", isDirectory: true)
        let configs = root.appendingPathComponent("Configs", isDirectory: true)
        try FileManager.default.createDirectory(at: recipes, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: configs, withIntermediateDirectories: true)
        for (name, text) in Self.fragments {
            try Data(text.utf8).write(to: configs.appendingPathComponent(name))
        }
        recipe = try RecipeLoader.load(yaml: Self.mlpRecipe, sourceName: "fuzz.yaml")
        let modelDir = root.appendingPathComponent("model", isDirectory: true)
        _ = try Training.run(recipe, modelDir: modelDir, log: { _ in })
        checkpoint = modelDir.appendingPathComponent("checkpoints/ckpt-000002.h5")
        export = modelDir.appendingPathComponent("export", isDirectory: true)
        try Exporting.run(
            recipe, checkpoint: checkpoint, out: export, overwrite: true, log: { _ in })
        inputs = root.appendingPathComponent("inputs.h5")
        try HDF5File.atomicallyWrite(to: inputs) { file in
            try file.write((0..<12).map { Float($0) / 12 }, shape: [3, 4], at: "inputs")
        }
    }

    /// A scratch path in the workspace (rewritten by every run).
    func scratch(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// Writes the seed inputs of `target` into `directory` (for `scripts/fuzz`).
    /// - Parameters:
    ///   - target: The target.
    ///   - directory: The corpus folder; created when missing.
    ///   - repository: The repository root, whose `Recipes/` and `Configs/` seed `recipe`.
    /// - Throws: The file system's error when a seed cannot be read or written.
    public func writeSeeds(of target: FuzzTarget, to directory: URL, repository: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func copy(_ file: URL, as name: String) throws {
            try Data(contentsOf: file).write(to: directory.appendingPathComponent(name))
        }
        switch target {
        case .recipe:
            for folder in ["Recipes", "Configs/models", "Configs/optimizers"] {
                let url = repository.appendingPathComponent(folder)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
                    try copy(
                        url.appendingPathComponent(name),
                        as: folder.replacingOccurrences(of: "/", with: "_") + "_" + name)
                }
            }
            try Data((Self.mlpRecipe + "\n#--set train.steps=5\n").utf8)
                .write(to: directory.appendingPathComponent("fuzz_mlp.yaml"))
            try Data("include: top.yaml\n#--set model.hidden_sizes=[4, 4]\n".utf8)
                .write(to: directory.appendingPathComponent("fuzz_diamond.yaml"))
        case .checkpoint:
            try copy(checkpoint, as: "ckpt-000002.h5")
        case .bundle:
            let variables = export.appendingPathComponent("variables/variables")
            let index = try Data(contentsOf: URL(fileURLWithPath: variables.path + ".index"))
            let data = try Data(
                contentsOf: URL(fileURLWithPath: variables.path + ".data-00000-of-00001"))
            try (ReaderFuzzing.bundleHeader(indexCount: index.count) + index + data)
                .write(to: directory.appendingPathComponent("variables.bundle"))
        case .savedModel:
            try copy(export.appendingPathComponent("saved_model.pb"), as: "saved_model.pb")
        case .predictInput:
            try copy(inputs, as: "inputs.h5")
        }
    }
}
