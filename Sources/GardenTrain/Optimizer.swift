import GardenTensor

/// Updates parameters from their gradients, keeping per-parameter state (slots) that checkpoints
/// save so a resumed run continues exactly.
public protocol Optimizer: AnyObject {
    /// Applies one update. `step` counts from 1.
    func apply(_ gradients: [(Parameter, Tensor)], learningRate: Float, step: Int)
    /// The state to checkpoint: slot name (`<parameter path>/m`) → value.
    func slots() -> [(name: String, value: Tensor)]
    /// The slots kept for each trainable parameter (`m`, `v` for Adam), so a resumed run can
    /// tell a checkpoint that lacks some from one that never needed them.
    var slotNames: [String] { get }
    /// Restores state saved by `slots()`; `parameters` maps paths to the model's parameters.
    func restore(slots: [String: Tensor], parameters: [String: Parameter]) throws
}

/// Runs `update` over a parameter's value (writable) and its gradient, both whole, then stores
/// the result as the parameter's value.
///
/// The buffers are handed over once rather than one element per call, so each optimizer's loop
/// is a plain loop over memory (a per-element closure that captured slot arrays cost an
/// indirect access per element and ~15 % of the mlp step).
@inline(__always)
func updateInPlace(
    _ p: Parameter, _ g: Tensor,
    _ update: (_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) -> Void
) {
    var w = p.value.floats
    let shape = p.value.shape
    // The parameter lets go of its buffer first, so `w` is its only holder and is written in
    // place, not copied (unless a tensor of the step still holds the old value).
    p.value = Tensor([], shape: [0])
    let gv = g.floats
    precondition(
        w.count == gv.count,
        "optimizer: gradient of \(p.path) has shape \(g.shape), expected \(shape)")
    w.withUnsafeMutableBufferPointer { pw in
        gv.withUnsafeBufferPointer { pg in update(pw, pg) }
    }
    p.value = Tensor(w, shape: shape)
}

/// A missing or misshapen optimizer slot in a checkpoint.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public var description: String
}

/// Looks up a slot for `p` in saved state, checking its shape.
func savedSlot(_ slots: [String: Tensor], _ name: String, for p: Parameter) throws -> [Float] {
    guard let t = slots[name] else {
        throw OptimizerStateError(description: "optimizer slot '\(name)' missing")
    }
    guard t.shape == p.value.shape else {
        throw OptimizerStateError(
            description: "optimizer slot '\(name)' has shape \(t.shape), expected \(p.value.shape)")
    }
    return t.floats
}
