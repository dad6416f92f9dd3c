import Foundation

/// A kernel regularizer, as Keras' `regularizers.L1`, `L2` and `L1L2`.
public struct RegularizerConfig: RecipeSection {
    /// Which penalty is applied.
    public enum Kind: String, CaseIterable, Sendable {
        case none, l1, l2, l1l2
    }

    /// Which penalty is applied.
    public var kind: Kind
    /// The L1 factor (used by `l1` and `l1l2`).
    public var l1: Float
    /// The L2 factor (used by `l2` and `l1l2`).
    public var l2: Float

    /// Creates a regularizer config.
    /// - Parameters:
    ///   - kind: Which penalty is applied.
    ///   - l1: The L1 factor.
    ///   - l2: The L2 factor.
    public init(kind: Kind, l1: Float, l2: Float) {
        self.kind = kind
        self.l1 = l1
        self.l2 = l2
    }

    /// The keys of a regularizer mapping. `type` is a plain choice, not a one-of, because every
    /// kind takes the same two factors (as Keras' `L1L2` does).
    public static let schema = ConfigMappingSchema([
        .choice(
            "type", Kind.allCases.map(\.rawValue), Kind.l2.rawValue,
            "Penalty on the kernels: none, l1, l2 or l1l2."),
        .float("l1", 0.0, "L1 factor (for l1 and l1l2)."),
        .float("l2", 1e-4, "L2 factor (for l2 and l1l2)."),
    ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        kind = try config.choice("type")
        l1 = try config.float("l1")
        l2 = try config.float("l2")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping(["type": .string(kind.rawValue), "l1": .float(l1), "l2": .float(l2)])
    }
}
