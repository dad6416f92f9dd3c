import Foundation

/// Where the test files and the repository are, found from this file's path (resolving
/// symlinks, so the tests also run from a scratch package that links this folder).
enum TestPaths {
    static let testsFolder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()

    /// `Tests/GardenRecipesTests/Fixtures`; messages show fixture paths relative to it.
    static let fixtures = testsFolder.appendingPathComponent("Fixtures", isDirectory: true)

    /// The repository root (holds `Recipes/` and `Configs/`).
    static let repositoryRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
}
