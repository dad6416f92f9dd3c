import ArgumentParser
import Foundation
import GardenExport
import GardenRecipes

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a recipe, then export its SavedModel to <model-dir>/export.")

    @OptionGroup var options: RecipeOptions
    @Option(help: "Where checkpoints, logs and the export go (default: runs/<name>).")
    var modelDir: String?
    @Flag(help: "Print the resolved recipe (every key, after includes and --set) and exit.")
    var dryRun = false

    func run() throws {
        try runCommand {
            let recipe = try options.load()
            if dryRun {
                print(recipe.resolvedYAML(), terminator: "")
                return
            }
            let dir = defaultModelDir(recipe, modelDir)
            try train(recipe, modelDir: dir)
            try Exporting.run(
                recipe, checkpoint: dir.appendingPathComponent("checkpoints"),
                out: dir.appendingPathComponent("export"), overwrite: true, log: logLine)
        }
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a recipe, resuming from the latest checkpoint in the model dir.")

    @OptionGroup var options: RecipeOptions
    @Option(help: "Where checkpoints and logs go (default: runs/<name>).")
    var modelDir: String?

    func run() throws {
        try runCommand {
            let recipe = try options.load()
            try train(recipe, modelDir: defaultModelDir(recipe, modelDir))
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a checkpoint and export the model as a TensorFlow SavedModel.")

    @OptionGroup var options: RecipeOptions
    @Option(
        help:
            "A checkpoint file, a checkpoints directory (its latest checkpoint), or the prefix of a TensorFlow 2 checkpoint written by Model Garden (BERT)."
    )
    var checkpoint: String
    @Option(help: "The SavedModel directory to write.")
    var out: String
    @Flag(help: "Replace --out if it already exists.")
    var overwrite = false
    @OptionGroup var part: PartOptions
    @Flag(help: "Export even if some variables are missing, unexpected or of another shape.")
    var allowPartial = false

    func run() throws {
        try runCommand {
            let recipe = try options.load()
            try Exporting.run(
                recipe, checkpoint: URL(fileURLWithPath: checkpoint),
                out: URL(fileURLWithPath: out),
                overwrite: overwrite || recipe.export.overwrite,
                selection: part.selection, allowPartial: allowPartial, log: logLine)
        }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Swift model on an HDF5 file of inputs and write its outputs.",
        discussion: """
            A single-input model reads dataset `inputs`; a single-output model writes dataset \
            `outputs`. Models with named (dict) inputs and outputs use their names.
            """)

    @OptionGroup var options: RecipeOptions
    @Option(
        help:
            "A checkpoint file, a checkpoints directory (its latest checkpoint), or the prefix of a TensorFlow 2 checkpoint written by Model Garden (BERT)."
    )
    var checkpoint: String
    @Option(help: "HDF5 file with the inputs.")
    var input: String
    @Option(help: "HDF5 file to write the outputs to.")
    var output: String
    @Flag(help: "Run the training-mode forward pass (dropout active).")
    var training = false
    @Flag(help: "Replace --output if it already exists (never one of the inputs).")
    var overwrite = false
    @OptionGroup var part: PartOptions

    func run() throws {
        try runCommand {
            let recipe = try options.load()
            try Prediction.run(
                recipe, checkpoint: URL(fileURLWithPath: checkpoint),
                input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output),
                training: training, selection: part.selection, overwrite: overwrite,
                protectedInputs: [("recipe", URL(fileURLWithPath: options.recipe))])
        }
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what is inside a SavedModel directory or a checkpoint (.h5).")

    @Argument(help: "A SavedModel directory or a checkpoint file.")
    var path: String

    func run() throws {
        try runCommand {
            print(try Inspection.describe(URL(fileURLWithPath: path)), terminator: "")
        }
    }
}

/// Which part of the model to export or run.
struct PartOptions: ParsableArguments {
    @Option(help: "The checkpoint item to export or run (BERT: encoder, the default).")
    var part: String?
    @Option(
        help:
            "Export the sub-model from the input to this named layer (ResNet: reduce_mean by default)."
    )
    var extractTo: String?

    var selection: PartSelection { PartSelection(part: part, extractTo: extractTo) }
}

/// Trains (resuming from the model dir's latest checkpoint) and logs the loss at the first and
/// last step, for `garden run` and `garden train`.
func train(_ recipe: Recipe, modelDir: URL) throws {
    let summary = try Training.run(recipe, modelDir: modelDir, log: logLine)
    if let first = summary.firstLoss, let last = summary.lastLoss {
        logLine(
            String(
                format: "trained steps %d..%d: loss %.4f -> %.4f",
                summary.startStep + 1, summary.endStep, first, last))
    }
    if let timings = summary.timings { logLine(timings.summaryLine) }
}

/// Runs a command's body, turning any error into one line on stderr and exit code 1.
/// Foundation's file-system errors (creating the model dir, writing recipe.yaml or metrics on a
/// read-only or full file system) become one line naming the path and the system's reason,
/// instead of the raw `Error Domain=NSCocoaErrorDomain Code=642 ...` text.
func runCommand(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let reported = (error as? CocoaError).map { FileSystemError($0) as Error } ?? error
        let message = (reported as? LocalizedError)?.errorDescription ?? "\(reported)"
        FileHandle.standardError.write(
            Data("garden: error: \(message.replacingOccurrences(of: "\n", with: "; "))\n".utf8))
        throw ExitCode.failure
    }
}

/// A failed file-system call: `<path>: cannot write: Read-only file system`.
struct FileSystemError: Error, LocalizedError {
    var path: String
    var writing: Bool
    var reason: String

    init(_ error: CocoaError) {
        path =
            (error.userInfo[NSFilePathErrorKey] as? String) ?? error.filePath ?? error.url?.path
            ?? "?"
        // CocoaError codes 512 and up are write errors (fileWriteUnknown, ...VolumeReadOnly, ...OutOfSpace).
        writing = error.code.rawValue >= CocoaError.fileWriteUnknown.rawValue
        let underlying = (error.userInfo[NSUnderlyingErrorKey] as? Error).map { $0 as NSError }
        if let underlying, underlying.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(underlying.code)))
        } else if let code = Self.posixCodes[error.code] {
            reason = String(cString: strerror(code))
        } else {
            reason =
                (error.userInfo[NSLocalizedDescriptionKey] as? String) ?? error.localizedDescription
        }
    }

    /// The system's reason for the CocoaError codes that stand for one errno.
    static let posixCodes: [CocoaError.Code: Int32] = [
        .fileWriteVolumeReadOnly: EROFS, .fileWriteOutOfSpace: ENOSPC,
        .fileWriteNoPermission: EACCES,
        .fileReadNoPermission: EACCES, .fileNoSuchFile: ENOENT, .fileReadNoSuchFile: ENOENT,
    ]

    var errorDescription: String? {
        // Errors made by our own code already read "<path>: cannot write: <reason>".
        reason.hasPrefix(path + ": ")
            ? reason : "\(path): cannot \(writing ? "write" : "read"): \(reason)"
    }
}
