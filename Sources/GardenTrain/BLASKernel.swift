import COpenBLAS

/// The OpenBLAS kernel a process computes with. OpenBLAS picks it at run time from the CPU
/// (or `OPENBLAS_CORETYPE`), and kernels sum in different orders, so two machines that pick
/// different kernels train to different last digits. Checkpoints and metrics.jsonl record it
/// so a user can tell why.
public struct BLASKernel: Equatable, Sendable {
    /// `openblas_get_corename()`, e.g. `SkylakeX` or `Haswell`.
    public var core: String
    /// `openblas_get_config()`, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64`.
    public var config: String

    public init(core: String, config: String) {
        self.core = core
        self.config = config
    }

    /// This process's kernel.
    public static let current = BLASKernel(
        core: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
        config: openblas_get_config().map { String(cString: $0) } ?? "unknown")
}
