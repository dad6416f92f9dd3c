import Foundation

/// A file shipped in `assets/` (e.g. the vocabulary), exposed as a root attribute.
///
/// After loading, `loaded.<name>.asset_path` is `<export_dir>/assets/<filename>`.
public struct ExportedAsset {
    /// Attribute name under the root, e.g. `vocab_file`.
    public var name: String
    /// File name inside `assets/`, e.g. `vocab.txt` (no directories).
    public var filename: String
    /// The file's bytes.
    public var contents: Data

    /// Creates an asset.
    public init(name: String, filename: String, contents: Data) {
        self.name = name; self.filename = filename; self.contents = contents
    }
}
