import GardenTensor

/// A node of a model's parameter tree: its own named parameters and its named sub-modules.
///
/// Paths come from names: a module named `dense_0` owning `kernel` gives `dense_0/kernel`, the
/// checkpoint key, HDF5 dataset path and SavedModel variable name. The root's own name is not
/// part of the paths. A class, so layers can share parameters (tied weights) by identity.
open class Module {
    /// The local name of this module under its parent.
    public let name: String
    public private(set) var ownParameters: [(name: String, parameter: Parameter)] = []
    public private(set) var submodules: [Module] = []
    /// Weight regularizers, added to the training loss and exported as `regularization_losses`.
    public private(set) var regularizers: [(parameter: Parameter, regularizer: Regularizer)] = []

    public init(name: String) { self.name = name }

    /// Adds a parameter under `name` and returns it.
    @discardableResult
    public func addParameter(_ name: String, _ value: Tensor, trainable: Bool = true) -> Parameter {
        let p = Parameter(value, path: name, trainable: trainable)
        ownParameters.append((name, p))
        return p
    }

    /// Adds an existing parameter (shared with another module) under `name`.
    public func addSharedParameter(_ name: String, _ p: Parameter) {
        ownParameters.append((name, p))
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
        var seen = Set<ObjectIdentifier>()
        var out: [(String, Parameter)] = []
        collect(prefix: prefix, into: &out, seen: &seen)
        return out
    }

    private func collect(
        prefix: String, into out: inout [(String, Parameter)],
        seen: inout Set<ObjectIdentifier>
    ) {
        for (n, p) in ownParameters where seen.insert(ObjectIdentifier(p)).inserted {
            out.append((prefix + n, p))
        }
        for m in submodules { m.collect(prefix: prefix + m.name + "/", into: &out, seen: &seen) }
    }

    /// Sets each parameter's `path` from its place in the tree; call once on the root.
    public func assignPaths() {
        for (path, p) in namedParameters() { p.path = path }
    }

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
