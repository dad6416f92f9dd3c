import GardenTensor

/// Stochastic gradient descent with optional (Nesterov) momentum, as Keras' `SGD`:
/// `velocity = momentum * velocity - lr * g; w += velocity` (Nesterov:
/// `w += momentum * velocity - lr * g`).
public final class SGD: Optimizer {
    public let momentum: Float
    public let nesterov: Bool
    private var velocity: [ObjectIdentifier: (Parameter, [Float])] = [:]
    private var order: [ObjectIdentifier] = []

    public init(momentum: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum; self.nesterov = nesterov
    }

    public func apply(_ gradients: [(Parameter, Tensor)], learningRate lr: Float, step: Int) {
        for (p, g) in gradients {
            if momentum == 0 {
                updateInPlace(p, g) { w, gi, _ in w -= lr * gi }
                continue
            }
            let key = ObjectIdentifier(p)
            if velocity[key] == nil { velocity[key] = (p, [Float](repeating: 0, count: p.value.count)); order.append(key) }
            var v = velocity[key]!.1
            let (m, nest) = (momentum, nesterov)
            updateInPlace(p, g) { w, gi, i in
                v[i] = m * v[i] - lr * gi
                w += nest ? m * v[i] - lr * gi : v[i]
            }
            velocity[key] = (p, v)
        }
    }

    public func slots() -> [(name: String, value: Tensor)] {
        // Sorted by name: the checkpoint's bytes must not depend on the order parameters were first seen.
        order.compactMap { velocity[$0] }.map { ($0.0.path + "/momentum", Tensor($0.1, shape: $0.0.value.shape)) }
            .sorted { $0.0 < $1.0 }
    }

    public func restore(slots: [String: Tensor], parameters: [String: Parameter]) throws {
        velocity = [:]; order = []
        guard momentum != 0 else { return }
        for (path, p) in parameters.sorted(by: { $0.key < $1.key }) where slots[path + "/momentum"] != nil {
            velocity[ObjectIdentifier(p)] = (p, try savedSlot(slots, path + "/momentum", for: p))
            order.append(ObjectIdentifier(p))
        }
    }
}
