#ifndef CVECTORMATH_CHANNEL_PASSES_H
#define CVECTORMATH_CHANNEL_PASSES_H

#include <stddef.h>

// Per-channel passes over `rows` rows `stride` floats apart, on the `width` channels (columns)
// at the start of each row (callers offset the pointers to their first channel): the column
// sums of `reduceSum` (Sources/GardenTensor/Kernels/Reduce.swift) and the passes of
// `BatchNormKernels` (BatchNormKernels.swift). Eight channels to a vector, each lane with the
// Swift loop's operations in its order (no contraction, Double sums row by row), so every result
// has the Swift loop's bits. Call only when `cvectormath_lane_width()` is not 0.

/// `sx[j] += Σ Double(x)`, and `sg[j] += Σ Double(g)` when `g` is not NULL.
void cvectormath_column_sums(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, double *sx,
    double *sg);

/// `sgx[j] += Σ Double(g · x)` and `sg[j] += Σ Double(g)` (LayerNorm's parameter gradients).
void cvectormath_column_product_sums(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, double *sgx,
    double *sg);

/// `sq[j] += Σ (Double(x) - mean[j])²` in Double, and in the same pass
/// `floatSq[j] += Σ Double((x - floatMean[j])²)`, the difference and its square in Float.
void cvectormath_bn_squared_deviations(
    const float *x, size_t rows, size_t stride, size_t width, const double *mean, double *sq,
    const float *floatMean, double *floatSq);

/// `sgx[j] += Σ Double(g · ((x - mean[j]) · inv[j]))` and `sg[j] += Σ Double(g)`. With `reluA`
/// and `reluB` (else NULL), `g` is first multiplied by ReLU's derivative at the normalized
/// output `x · reluA[j] + reluB[j]` (1 where it is above 0, else 0): a ReLU fused after it.
void cvectormath_bn_normalized_products(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, const float *mean,
    const float *inv, const float *reluA, const float *reluB, double *sgx, double *sg);

/// `dx = coefficient[j] · (g·m - dOffset[j] - ((x - mean[j]) · inv[j]) · dScale[j])`, `g`
/// masked as in `cvectormath_bn_normalized_products` when `reluA` and `reluB` are not NULL.
void cvectormath_bn_input_gradient(
    const float *x, const float *g, float *dx, size_t rows, size_t stride, size_t width,
    const float *mean, const float *inv, const float *coefficient, float m,
    const float *dOffset, const float *dScale, const float *reluA, const float *reluB);

/// `y = x · a[j] + b[j]` for `rows` rows of `width` channels (stride `width`), then, when `relu`
/// is not 0, `y > 0 ? y : 0`.
void cvectormath_bn_affine(
    const float *x, float *y, size_t rows, size_t width, const float *a, const float *b,
    int relu);

#endif
