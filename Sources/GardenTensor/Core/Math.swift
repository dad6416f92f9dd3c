import Foundation

// Thin wrappers so kernels and the generator can use libm without importing Foundation names
// that collide with `Tensor`'s methods.
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { Foundation.sin(x) }
@inline(__always) func _expf(_ x: Float) -> Float { Foundation.expf(x) }
@inline(__always) func _logf(_ x: Float) -> Float { Foundation.logf(x) }
