import Foundation

/// Locates the test fixtures copied from `shared/reference/` (TF 2.21 outputs).
enum TensorBundleFixtures {
    /// Bundles under `Fixtures/bundles/<name>/variables.{index,data-00000-of-00001}`.
    static let bundleNames = [
        "my_mul", "mlp_dropout", "dict_sig", "scratch_mlp_minimal", "scratch_bert_like",
    ]

    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw CocoaError(.fileNoSuchFile)
            }
            return url
        }
    }

    /// The bundle prefix (`.../variables`) of a reference bundle.
    static func bundlePrefix(_ name: String) throws -> URL {
        try root.appendingPathComponent("bundles/\(name)/variables")
    }

    static func indexBytes(_ name: String) throws -> Data {
        try Data(contentsOf: bundlePrefix(name).appendingPathExtension("index"))
    }

    static func dataBytes(_ name: String) throws -> Data {
        try Data(contentsOf: bundlePrefix(name).appendingPathExtension("data-00000-of-00001"))
    }

    static func savedModel(_ name: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("saved_models/\(name)/saved_model.pb"))
    }

    /// A fresh empty directory under the system temp dir.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("garden-bundle-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
