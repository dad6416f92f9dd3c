import Foundation

/// A typed part of a recipe that reads itself from a resolved tree and writes itself back.
///
/// To add a section or a model/optimizer variant: write the struct, its schema fields (the
/// only place its defaults live), `init(config:)` and `configNode`, then list it in the parent's
/// schema table. `RecipeSchemaTests` checks that every variant round-trips.
public protocol RecipeSection: Equatable, Sendable {
    /// Reads the section from the resolved tree (all keys present, types checked).
    /// - Parameter config: A view of this section's mapping.
    /// - Throws: ``RecipeError`` naming the key whose value does not fit the section.
    init(config: ConfigView) throws
    /// The section as a tree, keys in schema order.
    var configNode: ConfigNode { get }
}
