#include "cpu_features.h"

#if defined(__x86_64__)

#include <cpuid.h>
#include <stdint.h>

// XCR0 bits: the register state the OS saves on a context switch (Intel SDM vol. 1, 13.3).
#define XCR0_YMM ((uint64_t)0x6)     // SSE and AVX state
#define XCR0_ZMM ((uint64_t)0xe0)    // opmask, upper zmm0-15, zmm16-31
#define XCR0_TILE ((uint64_t)0x60000)  // TILECFG and TILEDATA

static uint64_t xcr0(void) {
    uint32_t eax, edx;
    // XGETBV with ECX = 0, as bytes: the target attribute "xsave" is not needed for them.
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

unsigned cpu_features(void) {
    unsigned eax, ebx, ecx, edx;
    unsigned features = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int has_osxsave = (ecx >> 27) & 1;
    if (!has_osxsave) return 0;  // without XSAVE enabled, no AVX state is saved
    uint64_t saved = xcr0();
    int ymm = (saved & XCR0_YMM) == XCR0_YMM;
    int zmm = ymm && (saved & XCR0_ZMM) == XCR0_ZMM;
    int tiles = (saved & XCR0_TILE) == XCR0_TILE;
    if (ymm && ((ecx >> 28) & 1)) features |= CPU_FEATURE_AVX;
    if (ymm && ((ecx >> 12) & 1)) features |= CPU_FEATURE_FMA;

    unsigned leaf7_ebx = 0, leaf7_edx = 0, leaf7_1_eax = 0;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        leaf7_ebx = ebx;
        leaf7_edx = edx;
        unsigned subleaves = eax;
        if (subleaves >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) leaf7_1_eax = eax;
    }
    if (ymm && ((leaf7_ebx >> 5) & 1)) features |= CPU_FEATURE_AVX2;
    if (zmm && ((leaf7_ebx >> 16) & 1)) features |= CPU_FEATURE_AVX512F;
    if (zmm && ((leaf7_ebx >> 31) & 1)) features |= CPU_FEATURE_AVX512VL;
    if (zmm && ((leaf7_1_eax >> 5) & 1)) features |= CPU_FEATURE_AVX512_BF16;
    // AMX-BF16 is EDX bit 22 and AMX-TILE bit 24; OpenBLAS asks for both.
    if (tiles && ((leaf7_edx >> 22) & 1) && ((leaf7_edx >> 24) & 1))
        features |= CPU_FEATURE_AMX_BF16;

    if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) {
        if (ymm && ((ecx >> 16) & 1)) features |= CPU_FEATURE_FMA4;
        if (ymm && ((ecx >> 11) & 1)) features |= CPU_FEATURE_XOP;
    }
    return features;
}

#else

unsigned cpu_features(void) { return 0; }

#endif
