import Foundation
import GardenTensor

/// Adam (Kingma & Ba, 2015) as Keras implements it, with optional decoupled weight decay
/// (AdamW, Loshchilov & Hutter, 2019): `w -= lr * (m̂ / (sqrt(v̂) + eps) + wd * w)`.
///
/// Decoupled weight decay lives in the optimizer, so it cannot be exported as a regularization
/// loss; the exporter warns about it.
public final class Adam: Optimizer {
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private var state: [ObjectIdentifier: Moments] = [:]
    private var order: [ObjectIdentifier] = []

    public init(
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7, weightDecay: Float = 0
    ) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon;
        self.weightDecay = weightDecay
    }

    public func apply(_ gradients: [(Parameter, Tensor)], learningRate lr: Float, step: Int) {
        let t = Float(step)
        // Keras folds the bias corrections into the step size.
        let alpha =
            lr * (1 - Foundation.pow(beta2, t)).squareRoot() / (1 - Foundation.pow(beta1, t))
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        for (p, g) in gradients {
            let key = ObjectIdentifier(p)
            let s: Moments
            if let existing = state[key] {
                s = existing
            } else {
                s = Moments(p)
                state[key] = s
                order.append(key)
            }
            updateInPlace(p, g) { w, g in
                s.m.withUnsafeMutableBufferPointer { m in
                    s.v.withUnsafeMutableBufferPointer { v in
                        // Keras' formulas, in this order per element: results stay bit-identical
                        // to checkpoints and references computed before. Elements are independent,
                        // so splitting them over the threads changes no bit.
                        ParallelFor.forEach(w.count) { part in
                            Adam.update(
                                part, w: w, g: g, m: m, v: v,
                                constants: (alpha, b1, b2, eps, lr * wd))
                        }
                    }
                }
            }
        }
    }

    /// Keras' update over `range`, eight lanes at a time: the same Float operations in the same
    /// order per element as the scalar loop for the tail (SIMD lanes round as scalars do, and
    /// nothing is fused), so the results are bitwise the scalar loop's.
    @inline(__always)
    static func update(
        _ range: Range<Int>, w: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>,
        m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>,
        constants c: (alpha: Float, b1: Float, b2: Float, eps: Float, lrwd: Float)
    ) {
        guard let pw = w.baseAddress, let pg = g.baseAddress, let pm = m.baseAddress,
            let pv = v.baseAddress
        else { return }
        let (c1, c2) = (1 - c.b1, 1 - c.b2)
        var i = range.lowerBound
        typealias V = SIMD8<Float>
        while i + 8 <= range.upperBound {
            let gi = UnsafeRawPointer(pg + i).loadUnaligned(as: V.self)
            let mi = c.b1 * UnsafeRawPointer(pm + i).loadUnaligned(as: V.self) + c1 * gi
            let vi = c.b2 * UnsafeRawPointer(pv + i).loadUnaligned(as: V.self) + c2 * gi * gi
            let wi = UnsafeRawPointer(pw + i).loadUnaligned(as: V.self)
            let wn = wi - (c.alpha * mi / (vi.laneSquareRoot() + c.eps) + c.lrwd * wi)
            UnsafeMutableRawPointer(pm + i).storeBytes(of: mi, as: V.self)
            UnsafeMutableRawPointer(pv + i).storeBytes(of: vi, as: V.self)
            UnsafeMutableRawPointer(pw + i).storeBytes(of: wn, as: V.self)
            i += 8
        }
        while i < range.upperBound {
            let gi = pg[i]
            pm[i] = c.b1 * pm[i] + c1 * gi
            pv[i] = c.b2 * pv[i] + c2 * gi * gi
            pw[i] -= c.alpha * pm[i] / (pv[i].squareRoot() + c.eps) + c.lrwd * pw[i]
            i += 1
        }
    }

    public var slotNames: [String] { ["m", "v"] }

    public func slots() -> [(name: String, value: Tensor)] {
        // Sorted by name: the checkpoint's bytes must not depend on the order parameters were first seen.
        order.compactMap { state[$0] }.flatMap { s in
            [
                (s.p.path + "/m", Tensor(s.m, shape: s.p.value.shape)),
                (s.p.path + "/v", Tensor(s.v, shape: s.p.value.shape)),
            ]
        }.sorted { $0.0 < $1.0 }
    }

    public func restore(slots: [String: Tensor], parameters: [String: Parameter]) throws {
        state = [:]; order = []
        for (path, p) in parameters.sorted(by: { $0.key < $1.key }) where slots[path + "/m"] != nil
        {
            state[ObjectIdentifier(p)] = Moments(
                p, m: try savedSlot(slots, path + "/m", for: p),
                v: try savedSlot(slots, path + "/v", for: p))
            order.append(ObjectIdentifier(p))
        }
    }

    /// One parameter's first and second moment estimates. A class so the update writes the
    /// arrays in place: a tuple read out of the dictionary shared their buffers, and the first
    /// write copied both every step.
    private final class Moments {
        let p: Parameter
        var m: [Float], v: [Float]

        init(_ p: Parameter, m: [Float]? = nil, v: [Float]? = nil) {
            self.p = p
            self.m = m ?? [Float](repeating: 0, count: p.value.count)
            self.v = v ?? [Float](repeating: 0, count: p.value.count)
        }
    }
}
