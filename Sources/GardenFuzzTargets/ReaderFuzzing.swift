import Foundation
import GardenExport
import GardenRecipes
import GardenTrain

/// The file-reader targets: checkpoint, tensor bundle, `saved_model.pb` and predict's inputs.
enum ReaderFuzzing {
    static func checkpoint(_ data: Data, in workspace: FuzzWorkspace) throws {
        let url = workspace.scratch("ckpt-000001.h5")
        try data.write(to: url)
        _ = try Checkpoint.read(from: url)
        _ = try Inspection.describe(url)
    }

    /// A bundle input is a 4-byte little-endian index length, the index, then the data file.
    static func bundleHeader(indexCount: Int) -> Data {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: indexCount).littleEndian) { Data($0) }
    }

    static func bundle(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { return }
        let declared =
            Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        let split = 4 + min(declared, bytes.count - 4)
        let reader = try TensorBundleReader(
            indexBytes: Data(bytes[4..<split]), dataBytes: Data(bytes[split...]))
        for key in reader.keys {
            _ = try? reader.tensorBytes(key: key)
            _ = try? reader.strings(key: key)
        }
    }

    static func savedModel(_ data: Data, in workspace: FuzzWorkspace) throws {
        // The export's own variables stay beside the fuzzed proto, so inspect checks the two
        // against each other as it does for a real export.
        let directory = workspace.scratch("export")
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.copyItem(at: workspace.export, to: directory)
        }
        try data.write(to: directory.appendingPathComponent("saved_model.pb"))
        _ = try SavedModelReader(directory: directory)
        _ = try Inspection.describe(directory)
    }

    static func predictInput(_ data: Data, in workspace: FuzzWorkspace) throws {
        let input = workspace.scratch("predict-in.h5")
        let output = workspace.scratch("predict-out.h5")
        try data.write(to: input)
        try? FileManager.default.removeItem(at: output)
        try Prediction.run(
            workspace.recipe, checkpoint: workspace.checkpoint, input: input, output: output,
            training: false)
    }
}
