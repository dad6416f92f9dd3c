import Foundation

/// Where a loaded recipe's keys were written, so that a rule checked after loading (such as
/// `train.best_metric` against the model's metrics) still names the file and line, or the
/// `--set` argument.
///
/// It is not part of the recipe's value: two recipes with the same keys are equal wherever
/// they came from, and `recipe.yaml` does not store it.
public struct RecipeOrigin: Equatable, Sendable {
    /// How messages name the recipe (the file as the user gave it).
    var sourceName: String?
    /// The resolved tree, with the location of every key.
    var tree: ConfigNode?

    /// An origin with nothing known (recipes built in code).
    public init() {}

    init(sourceName: String, tree: ConfigNode) {
        self.sourceName = sourceName
        self.tree = tree
    }

    /// Where `path` was set: its line or `--set` argument, else the recipe file for a default.
    func location(of path: String) -> ConfigLocation? {
        let written = tree?.node(at: ConfigPath(parsing: path))?.location
        if let written, written.source != .defaults { return written }
        return sourceName.map { ConfigLocation(.file($0)) }
    }

    /// Origins never make recipes differ.
    public static func == (_: RecipeOrigin, _: RecipeOrigin) -> Bool { true }
}

extension Recipe {
    /// `error` with the location of its key filled in, when it is an `invalidValue` without
    /// one; any other error unchanged.
    public func located(_ error: Error) -> Error {
        guard case let RecipeError.invalidValue(nil, path, reason) = error else { return error }
        return RecipeError.invalidValue(
            location: origin.location(of: path), path: path, reason: reason)
    }
}
