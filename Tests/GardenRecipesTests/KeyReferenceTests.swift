import Foundation
import Testing
@testable import GardenRecipes

/// docs/recipes.md embeds the key reference generated from `Recipe.schema`. Adding a key
/// without updating the docs fails here; `RECORD_SNAPSHOTS=1 swift test` rewrites the block
/// and fails once so that the diff gets reviewed.
@Suite("Key reference")
struct KeyReferenceTests {
    static let begin =
        "<!-- BEGIN KEY REFERENCE (generated from Recipe.schema by KeyReferenceTests) -->\n"
    static let end = "<!-- END KEY REFERENCE -->"

    @Test func docsListEveryKeyOfTheSchema() throws {
        let url = TestPaths.repositoryRoot.appendingPathComponent("docs/recipes.md")
        let docs = try String(contentsOf: url, encoding: .utf8)
        guard let start = docs.range(of: Self.begin), let stop = docs.range(of: Self.end) else {
            Issue.record("docs/recipes.md has no key reference markers")
            return
        }
        let generated = Recipe.schema.markdownReference()
        let current = String(docs[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            let updated = docs.replacingCharacters(
                in: start.upperBound..<stop.lowerBound,
                with: generated)
            try updated.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded the key reference in docs/recipes.md; review the diff")
            return
        }
        #expect(current == generated)
    }

    @Test func theReferenceNamesEveryVariantKey() {
        let reference = Recipe.schema.markdownReference()
        for row in [
            "| `model.hidden_sizes` (`type: mlp`) | list of int | `[32, 32]` |",
            "| `model.initial_value` (`type: mul`) | float | `1.0` |",
            "| `train.optimizer.epsilon` (`type: adam`) | float | `1e-07` |",
            "| `export.dropout_rate` (`type: mlp`) | float or null | `null` |",
            "| `export.extract_to` (`type: resnet`) | string | `reduce_mean` |",
            "| `data.source` | synthetic \\| hdf5 \\| text \\| csv | `synthetic` |",
        ] {
            #expect(reference.contains(row), "\(row)")
        }
    }
}
