import GardenTensor

/// Stochastic gradient descent with optional (Nesterov) momentum, as Keras' `SGD`:
/// `velocity = momentum * velocity - lr * g; w += velocity` (Nesterov:
/// `w += momentum * velocity - lr * g`).
public final class SGD: Optimizer {
    public let momentum: Float
    public let nesterov: Bool
    private var velocity: [ObjectIdentifier: Velocity] = [:]
    private var order: [ObjectIdentifier] = []

    public init(momentum: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum; self.nesterov = nesterov
    }

    public func apply(_ gradients: [(Parameter, Tensor)], learningRate lr: Float, step: Int) {
        for (p, g) in gradients {
            if momentum == 0 {
                updateInPlace(p, g) { w, g in
                    for i in 0..<w.count { w[i] -= lr * g[i] }
                }
                continue
            }
            let key = ObjectIdentifier(p)
            let s: Velocity
            if let existing = velocity[key] {
                s = existing
            } else {
                s = Velocity(p, [Float](repeating: 0, count: p.value.count))
                velocity[key] = s
                order.append(key)
            }
            let (m, nest) = (momentum, nesterov)
            updateInPlace(p, g) { w, g in
                s.v.withUnsafeMutableBufferPointer { v in
                    for i in 0..<w.count {
                        v[i] = m * v[i] - lr * g[i]
                        w[i] += nest ? m * v[i] - lr * g[i] : v[i]
                    }
                }
            }
        }
    }

    public var slotNames: [String] { momentum != 0 ? ["momentum"] : [] }

    public func slots() -> [(name: String, value: Tensor)] {
        // Sorted by name: the checkpoint's bytes must not depend on the order parameters were first seen.
        order.compactMap { velocity[$0] }.map {
            ($0.p.path + "/momentum", Tensor($0.v, shape: $0.p.value.shape))
        }
        .sorted { $0.0 < $1.0 }
    }

    public func restore(slots: [String: Tensor], parameters: [String: Parameter]) throws {
        velocity = [:]; order = []
        guard momentum != 0 else { return }
        for (path, p) in parameters.sorted(by: { $0.key < $1.key })
        where slots[path + "/momentum"] != nil {
            velocity[ObjectIdentifier(p)] = Velocity(
                p, try savedSlot(slots, path + "/momentum", for: p))
            order.append(ObjectIdentifier(p))
        }
    }

    /// One parameter's velocity. A class so the update writes it in place: a tuple read out of
    /// the dictionary shared its buffer, and the first write copied it every step.
    private final class Velocity {
        let p: Parameter
        var v: [Float]

        init(_ p: Parameter, _ v: [Float]) { self.p = p; self.v = v }
    }
}
