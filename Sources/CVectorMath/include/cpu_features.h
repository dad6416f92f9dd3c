#ifndef CVECTORMATH_CPU_FEATURES_H
#define CVECTORMATH_CPU_FEATURES_H

/// x86-64 instruction-set extensions, as bits of `cpu_features()`. The names are those of
/// /proc/cpuinfo's flags.
enum {
    CPU_FEATURE_AVX = 1 << 0,
    CPU_FEATURE_AVX2 = 1 << 1,
    CPU_FEATURE_FMA = 1 << 2,
    CPU_FEATURE_FMA4 = 1 << 3,
    CPU_FEATURE_XOP = 1 << 4,
    CPU_FEATURE_AVX512F = 1 << 5,
    CPU_FEATURE_AVX512VL = 1 << 6,
    CPU_FEATURE_AVX512_BF16 = 1 << 7,
    CPU_FEATURE_AMX_BF16 = 1 << 8,
};

/// The extensions this CPU has and the operating system enables (the one place CVectorMath's
/// lane widths and `BLASKernel`'s check read them from): an AVX feature only when the OS
/// saves the ymm registers, an AVX-512 one only when it saves the zmm and mask registers, AMX
/// only when it saves the tiles. Read from CPUID and XGETBV directly rather than through
/// `__builtin_cpu_supports`, whose bits for the newer features depend on which runtime (libgcc or
/// compiler-rt) the binary links. 0 on other architectures.
unsigned cpu_features(void);

#endif
