import GardenTensor

/// A node of a model's parameter tree: its own named parameters and its named sub-modules.
///
/// Paths come from the tree: a module named `dense_0` owning `kernel` gives `dense_0/kernel`, the
/// checkpoint key, HDF5 dataset path and SavedModel variable name. The root's own name is not
/// part of the paths. Layers declare each parameter with its `Initialization`; once the tree is
/// assembled, `initializeParameters` on the root gives every parameter its path and draws its
/// value once, keyed by that path. A class, so layers can share parameters (tied weights) by
/// identity.
open class Module {
    /// The local name of this module under its parent.
    public let name: String
    public private(set) var ownParameters: [(name: String, parameter: Parameter)] = []
    public private(set) var submodules: [Module] = []
    /// Weight regularizers, added to the training loss and exported as `regularization_losses`.
    public private(set) var regularizers: [(parameter: Parameter, regularizer: Regularizer)] = []
    /// Whether `freeze()` was called on this module or an ancestor: its parameters do not
    /// train and its batch norms (if any) run in inference mode.
    public private(set) var isFrozen = false
    /// The draws still to make for own parameters, by parameter identity.
    private var pendingDraws: [ObjectIdentifier: Initialization] = [:]

    public init(name: String) { self.name = name }

    /// A parameter of `shape` to declare with `addParameter(_:_:initialization:)`; its value is
    /// set there (constants) or by `initializeParameters` (draws).
    public static func parameter(_ shape: [Int], trainable: Bool = true) -> Parameter {
        Parameter(Tensor.zeros(shape), trainable: trainable)
    }

    /// Adds a new parameter of `shape` under `name` and returns it.
    @discardableResult
    public func addParameter(
        _ name: String, shape: [Int], initialization: Initialization, trainable: Bool = true
    ) -> Parameter {
        let p = Self.parameter(shape, trainable: trainable)
        addParameter(name, p, initialization: initialization)
        return p
    }

    /// Adds `p`, made by `Module.parameter` for a stored property, under `name`: a constant
    /// `initialization` is applied now, a draw when the tree is initialized.
    public func addParameter(_ name: String, _ p: Parameter, initialization: Initialization) {
        ownParameters.append((name, p))
        p.path = name
        if initialization.isDraw {
            pendingDraws[ObjectIdentifier(p)] = initialization
        } else {
            p.value = Initializer(seed: 0).value(
                of: initialization, shape: p.value.shape, path: name)
        }
    }

    /// Adds a child module and returns it.
    @discardableResult
    public func addModule<M: Module>(_ m: M) -> M {
        submodules.append(m)
        return m
    }

    /// Adds `r` on `p` (nothing for nil or kind `none`): how every layer and model attaches
    /// its penalties, at construction.
    public func addRegularizer(_ r: Regularizer?, on p: Parameter) {
        if let r, r.kind != .none { regularizers.append((p, r)) }
    }

    /// Every parameter of the tree with its path, in a fixed order (own parameters first, then
    /// children in the order they were added). A parameter reachable twice is listed once, under
    /// its first path.
    public func namedParameters(prefix: String = "") -> [(path: String, parameter: Parameter)] {
        var out: [(String, Parameter)] = []
        walk(prefix: prefix) { path, p, _ in out.append((path, p)) }
        return out
    }

    /// Gives every parameter of the tree its path (`prefix` + its place in the tree) and draws
    /// the initial values still pending, each once, keyed by that final path. Call on the root
    /// once the tree is complete; a second call only renames (nothing is drawn twice).
    @discardableResult
    public func initializeParameters(_ initializer: Initializer, prefix: String = "") -> Self {
        walk(prefix: prefix) { path, p, owner in
            p.path = path
            if let draw = owner.pendingDraws.removeValue(forKey: ObjectIdentifier(p)) {
                p.value = initializer.value(of: draw, shape: p.value.shape, path: path)
            }
        }
        return self
    }

    /// Visits each parameter once, in `namedParameters` order, with its path and owner.
    private func walk(prefix: String, _ visit: (String, Parameter, Module) -> Void) {
        var seen = Set<ObjectIdentifier>()
        walk(prefix: prefix, seen: &seen, visit)
    }

    private func walk(
        prefix: String, seen: inout Set<ObjectIdentifier>,
        _ visit: (String, Parameter, Module) -> Void
    ) {
        for (n, p) in ownParameters where seen.insert(ObjectIdentifier(p)).inserted {
            visit(prefix + n, p, self)
        }
        for m in submodules { m.walk(prefix: prefix + m.name + "/", seen: &seen, visit) }
    }

    /// Keras' `layer.trainable = False` for this module and everything below it: every parameter
    /// becomes non-trainable (the tape records no gradient for it, so no optimizer update, weight
    /// decay or regularizer gradient moves it; a regularizer's loss still counts in the total,
    /// as in Keras' `model.losses`), and `BatchNorm` runs in inference mode (moving statistics
    /// used, not updated). Checkpoints still store the parameters.
    public func freeze() {
        for m in descendants {
            m.isFrozen = true
            for (_, p) in m.ownParameters { p.trainable = false }
        }
    }

    /// This module and every module below it, depth first in the order they were added.
    public var descendants: [Module] { [self] + submodules.flatMap(\.descendants) }

    /// Every regularizer of the tree, in the order of `namedParameters`.
    public func allRegularizers() -> [(parameter: Parameter, regularizer: Regularizer)] {
        var out = regularizers
        for m in submodules { out += m.allRegularizers() }
        return out
    }

    /// The sum of all regularization losses (a scalar; zero when there are none).
    public func regularizationLoss() -> Tensor {
        allRegularizers().reduce(Tensor(0)) { $0 + $1.regularizer.loss($1.parameter.read()) }
    }

    /// A sub-module by name path (`stage1/block`), or nil.
    public func module(named path: String) -> Module? {
        var current: Module = self
        for part in path.split(separator: "/") {
            guard let next = current.submodules.first(where: { $0.name == part }) else {
                return nil
            }
            current = next
        }
        return current
    }
}
