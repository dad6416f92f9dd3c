import GardenTensor

/// Deterministic test tensors drawn from `Philox`, so every run (and every machine) checks the
/// same numbers and a failure can be replayed. Nothing here uses unseeded randomness.
public enum TestInputs {
    /// The seed of all test inputs; `stream` tells one input from another.
    public static let seed: UInt64 = 0x5EED_0F_6A4D_E2

    /// Uniform values in `range`.
    public static func uniform(
        _ shape: [Int], in range: ClosedRange<Float> = -1...1, stream: UInt64
    ) -> Tensor {
        let u = Philox(seed: seed, stream: stream).uniform(count: shape.reduce(1, *))
        let width = range.upperBound - range.lowerBound
        return Tensor(u.map { range.lowerBound + width * $0 }, shape: shape)
    }

    /// Values with a random sign and a magnitude in `magnitude`: inputs for functions with a kink
    /// at 0 (relu, abs, sign), kept farther from it than any finite-difference step.
    public static func awayFromZero(
        _ shape: [Int], magnitude: ClosedRange<Float> = 0.2...2, stream: UInt64
    ) -> Tensor {
        let count = shape.reduce(1, *)
        let size = uniform([count], in: magnitude, stream: stream).floats
        let coin = Philox(seed: seed, stream: stream ^ 0x5167).uniform(count: count)
        return Tensor(zip(size, coin).map { $1 < 0.5 ? -$0 : $0 }, shape: shape)
    }

    /// Int32 class labels in `0..<classes`.
    public static func labels(count: Int, classes: Int, stream: UInt64) -> Tensor {
        let u = Philox(seed: seed, stream: stream).uniform(count: count)
        return Tensor(
            int32: u.map { Int32(min(Int($0 * Float(classes)), classes - 1)) },
            shape: [count])
    }
}
