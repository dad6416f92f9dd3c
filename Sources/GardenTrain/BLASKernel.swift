import COpenBLAS
import Foundation
import GardenTensor

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

    /// The extensions each kernel's code uses, keyed by `core`. OpenBLAS checks them when it
    /// picks a kernel itself, but `OPENBLAS_CORETYPE` forces one unchecked, and on a CPU without
    /// them the first product dies of SIGILL (SkylakeX and the Bulldozer family on a Zen 3 EPYC,
    /// docs/reliability.md). The AVX-512 rows follow OpenBLAS's own checks (`support_avx512`,
    /// `support_avx512_bf16`, `support_amx_bf16` in driver/others/dynamic.c); the AVX2 kernels'
    /// products are FMA3 multiply-adds; the Bulldozer family's kernels use FMA4 or XOP, which
    /// every CPU of that family has and no Intel or Zen CPU reports. Kernels older than
    /// Sandybridge use SSE-era instructions only and are not listed.
    public static let requiredFeatures: [String: CPUFeatures] = [
        "SapphireRapids": [.avx, .avx2, .avx512f, .avx512vl, .avx512bf16, .amxbf16],
        "Cooperlake": [.avx, .avx2, .avx512f, .avx512vl, .avx512bf16],
        "SkylakeX": [.avx, .avx2, .avx512f, .avx512vl],
        "Haswell": [.avx, .avx2, .fma],
        "Zen": [.avx, .avx2, .fma],
        "Excavator": [.avx, .avx2, .fma4, .xop],
        "Steamroller": [.avx, .fma4, .xop],
        "Piledriver": [.avx, .fma4, .xop],
        "Bulldozer": [.avx, .fma4, .xop],
        "Sandybridge": [.avx],
    ]

    /// What a program does before its first product: refuses a forced kernel this CPU cannot
    /// run (`requireRunnable`), then sets the threads (`BLAS.setThreads`).
    public static func start(threads: Int) throws(UnrunnableBLASKernel) {
        try current.requireRunnable()
        BLAS.setThreads(threads)
    }

    /// What this kernel needs that `cpu` lacks (empty when it runs there, or for a kernel not
    /// in `requiredFeatures`).
    public func missingFeatures(on cpu: CPUFeatures) -> CPUFeatures {
        (Self.requiredFeatures[core] ?? []).subtracting(cpu)
    }

    /// Refuses, before the first product, a kernel `OPENBLAS_CORETYPE` (`forcedCore`) forces on
    /// a CPU that cannot run it: one line instead of a SIGILL in the middle of training. A kernel
    /// OpenBLAS picked itself passed its own checks and is not second-guessed: in a virtual
    /// machine that hides a flag (FMA, AVX2) from CPUID, OpenBLAS's pick still runs, and
    /// refusing it would break a default set-up.
    public func requireRunnable(
        on cpu: CPUFeatures = .current,
        forcedCore: String? = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
    ) throws(UnrunnableBLASKernel) {
        guard let forcedCore else { return }
        let missing = missingFeatures(on: cpu)
        if !missing.isEmpty {
            throw UnrunnableBLASKernel(
                core: core, missing: missing, cpu: cpu, forcedCore: forcedCore)
        }
    }
}

/// The OpenBLAS kernel `OPENBLAS_CORETYPE` forces needs instructions this CPU lacks.
public struct UnrunnableBLASKernel: Error, LocalizedError, Equatable {
    public var core: String
    public var missing: CPUFeatures
    public var cpu: CPUFeatures
    public var forcedCore: String

    public var errorDescription: String? {
        "OPENBLAS_CORETYPE=\(forcedCore) forces OpenBLAS's \(core) kernel, which needs instructions "
            + "this CPU lacks (\(missing)); unset OPENBLAS_CORETYPE or set it to \(suggestedCore)"
    }

    /// The fastest of the common kernels this CPU runs (Nehalem's need nothing beyond SSE).
    var suggestedCore: String {
        ["SkylakeX", "Haswell", "Sandybridge"].first {
            BLASKernel(core: $0, config: "").missingFeatures(on: cpu).isEmpty
        } ?? "Nehalem"
    }
}
