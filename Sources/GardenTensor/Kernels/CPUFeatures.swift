import CVectorMath

/// Instruction-set extensions of an x86-64 CPU that OpenBLAS's kernels need, each present only
/// when the operating system also saves the registers it uses (`cpu_features()`).
public struct CPUFeatures: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let avx = CPUFeatures(bit: CPU_FEATURE_AVX)
    public static let avx2 = CPUFeatures(bit: CPU_FEATURE_AVX2)
    public static let fma = CPUFeatures(bit: CPU_FEATURE_FMA)
    public static let fma4 = CPUFeatures(bit: CPU_FEATURE_FMA4)
    public static let xop = CPUFeatures(bit: CPU_FEATURE_XOP)
    public static let avx512f = CPUFeatures(bit: CPU_FEATURE_AVX512F)
    public static let avx512vl = CPUFeatures(bit: CPU_FEATURE_AVX512VL)
    public static let avx512bf16 = CPUFeatures(bit: CPU_FEATURE_AVX512_BF16)
    public static let amxbf16 = CPUFeatures(bit: CPU_FEATURE_AMX_BF16)

    private init(bit: Int) { rawValue = UInt32(bit) }

    /// This process's CPU, read once.
    public static let current = CPUFeatures(rawValue: UInt32(cpu_features()))

    /// Each feature with its name in /proc/cpuinfo's flags, in the order messages list them.
    public static let named: [(CPUFeatures, String)] = [
        (.avx, "avx"), (.avx2, "avx2"), (.fma, "fma"), (.fma4, "fma4"), (.xop, "xop"),
        (.avx512f, "avx512f"), (.avx512vl, "avx512vl"), (.avx512bf16, "avx512_bf16"),
        (.amxbf16, "amx_bf16"),
    ]

    /// The flags' names, e.g. `avx512f, avx512vl`.
    public var description: String {
        Self.named.filter { contains($0.0) }.map(\.1).joined(separator: ", ")
    }
}
