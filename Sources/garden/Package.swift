import ArgumentParser
import Foundation
import GardenRecipes

/// `garden package`: TF Hub's compressed format for an export.
struct Package: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Pack a SavedModel export into a deterministic .tar.gz (TF Hub's compressed format).",
        discussion: """
            The SavedModel is at the archive root, as tensorflow_hub unpacks it: \
            hub.KerasLayer("https://host/model.tar.gz") downloads and loads it. The same export \
            always gives the same bytes (mtime 0, uid/gid 0, sorted entries, gzip level 9 \
            without a timestamp or file name).
            """)

    @Argument(help: "The SavedModel directory (e.g. runs/mlp/export).")
    var export: String
    @Option(help: "The archive to write (e.g. model.tar.gz).")
    var out: String
    @Flag(help: "Replace --out if it already exists.")
    var overwrite = false

    func run() throws {
        try runCommand {
            try Packaging.run(
                export: URL(fileURLWithPath: export), out: URL(fileURLWithPath: out),
                overwrite: overwrite)
            logLine("packaged \(export) to \(out)")
        }
    }
}
