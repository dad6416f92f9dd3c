import CFloatingPoint

/// The float arithmetic mode of the threads that compute: subnormal results flush to zero and
/// subnormal operands read as zero (x86-64's FTZ and DAZ), as TensorFlow computes (its pool
/// threads and every kernel it runs set `ScopedFlushDenormal`), so a tf_keras run and ours
/// round the same way near zero.
///
/// Why: under an L2 penalty and Adam, weights and first moments that no longer get a gradient
/// decay into the subnormal range, where each operation on them takes a microcode assist: the
/// 784-256-10 MLP's step grew from 1.04 to 1.09 ms over its first 3000 steps and stayed there;
/// flushed, it stays at 1.03 ms (`garden-bench step`, 5000 steps).
///
/// Set by `BLAS.setThreads` on the thread that computes (every program calls it first) and by
/// each `ParallelFor` worker when it starts, so every part of a kernel runs in the same mode.
public enum FloatingPoint {
    /// Makes the calling thread flush subnormals to zero (no-op off x86-64).
    public static func flushSubnormals() { cfloatingpoint_flush_subnormals() }

    /// Whether the calling thread flushes subnormals to zero.
    public static var flushesSubnormals: Bool { cfloatingpoint_flushes_subnormals() != 0 }
}
