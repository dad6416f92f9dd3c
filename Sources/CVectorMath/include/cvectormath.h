#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stddef.h>

#include "channel_passes.h"
#include "conv2d_direct.h"
#include "cpu_features.h"

/// The float lanes the GELU kernels below use on this CPU: 16 with AVX-512F, 8 with AVX2, 0
/// when neither is there (callers then use their SSE lanes). Checked once per process.
int cvectormath_lane_width(void);

/// Exact GELU forward, `y[i] = (x·½)·(1 + erf(x·(1/√2)))`, with the same float operations in the
/// same order as `Gelu.Forward.lanes` (Sources/GardenTensor/Primitives/Gelu.swift), so every
/// element has the same bits. Call only when `cvectormath_lane_width()` is not 0.
void cvectormath_gelu_forward(const float *x, float *y, size_t count);

/// Exact GELU's gradient, `out[i]` from input `x[i]` and incoming gradient `g[i]` as
/// `Gelu.Backward.applyLanes` computes it, bit for bit. Call only when the width is not 0.
void cvectormath_gelu_backward(const float *x, const float *g, float *out, size_t count);

/// The two kernels at a given width (8 or 16, at most `cvectormath_lane_width()`), so tests
/// can hold each instruction set to the Swift lanes on a host that has both.
void cvectormath_gelu_forward_lanes(int lanes, const float *x, float *y, size_t count);
void cvectormath_gelu_backward_lanes(
    int lanes, const float *x, const float *g, float *out, size_t count);

#endif
