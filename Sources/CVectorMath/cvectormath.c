// Exact GELU in 8 or 16 float lanes, chosen at run time: the Swift kernels are built for
// baseline x86-64, so their SIMD4 lanes are SSE; on an AVX-512 host GELU forward and backward
// were 8.6 % of a bert_tiny step. The target attributes (not a package-wide -mavx2) keep the
// rest of the binary runnable on any x86-64; without AVX2 the callers keep their SSE lanes.
#include "cvectormath.h"

// a*b+c must stay two roundings, as in the Swift lanes: a fused multiply-add changes bits.
#pragma clang fp contract(off)

#include <string.h>

// Gelu.invSqrt2 and Gelu.twoOverSqrtPi: Double literals rounded to Float, as Swift does.
#define GELU_INV_SQRT2 ((float)0.7071067811865476)
#define GELU_TWO_OVER_SQRT_PI ((float)1.1283791670955126)

#if defined(__x86_64__)

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define LANES 8
#define SUFFIX _avx2
#include "gelu_lanes.h"
#undef LANES
#undef SUFFIX
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#define LANES 16
#define SUFFIX _avx512
#include "gelu_lanes.h"
#undef LANES
#undef SUFFIX
#pragma clang attribute pop

int cvectormath_lane_width(void) {
    // Every thread that finds it unset computes the same value.
    static int width = -1;
    int known = __atomic_load_n(&width, __ATOMIC_RELAXED);
    if (known < 0) {
        unsigned features = cpu_features();
        known = (features & CPU_FEATURE_AVX512F) ? 16 : (features & CPU_FEATURE_AVX2) ? 8 : 0;
        __atomic_store_n(&width, known, __ATOMIC_RELAXED);
    }
    return known;
}

void cvectormath_gelu_forward_lanes(int lanes, const float *x, float *y, size_t count) {
    if (lanes == 16) {
        gelu_forward_avx512(x, y, count);
    } else {
        gelu_forward_avx2(x, y, count);
    }
}

void cvectormath_gelu_backward_lanes(
    int lanes, const float *x, const float *g, float *out, size_t count) {
    if (lanes == 16) {
        gelu_backward_avx512(x, g, out, count);
    } else {
        gelu_backward_avx2(x, g, out, count);
    }
}

void cvectormath_gelu_forward(const float *x, float *y, size_t count) {
    cvectormath_gelu_forward_lanes(cvectormath_lane_width(), x, y, count);
}

void cvectormath_gelu_backward(const float *x, const float *g, float *out, size_t count) {
    cvectormath_gelu_backward_lanes(cvectormath_lane_width(), x, g, out, count);
}

#else

int cvectormath_lane_width(void) { return 0; }

void cvectormath_gelu_forward(const float *x, float *y, size_t count) {
    // Unreachable: the width is 0 here, so callers use their own lanes.
    (void)x;
    (void)y;
    (void)count;
}

void cvectormath_gelu_backward(const float *x, const float *g, float *out, size_t count) {
    (void)x;
    (void)g;
    (void)out;
    (void)count;
}

void cvectormath_gelu_forward_lanes(int lanes, const float *x, float *y, size_t count) {
    (void)lanes;
    cvectormath_gelu_forward(x, y, count);
}

void cvectormath_gelu_backward_lanes(
    int lanes, const float *x, const float *g, float *out, size_t count) {
    (void)lanes;
    cvectormath_gelu_backward(x, g, out, count);
}

#endif
