#ifndef CVECTORMATH_CONV2D_DIRECT_H
#define CVECTORMATH_CONV2D_DIRECT_H

#include <stddef.h>

/// One NHWC / HWIO convolution over `images` consecutive images: sizes, window, stride and the
/// padding before the first row and column (the rest of the padding follows from the output
/// size). `out_channels` must be a multiple of 16.
struct cvectormath_conv2d {
    int images, in_h, in_w, in_channels;
    int kernel_h, kernel_w, stride;
    int out_h, out_w, out_channels;
    int pad_top, pad_left;
};

/// The float lanes the direct convolution uses on this CPU: 16 with AVX-512F, 8 with AVX2 and
/// FMA, 0 when neither is there (callers then use their GEMM path). Checked once per process.
int cvectormath_conv2d_lane_width(void);

/// Floats of the scratch buffer the kernels below need for one zero-padded image.
size_t cvectormath_conv2d_padded_count(const struct cvectormath_conv2d *c);

/// `y[n][oh][ow][o] = Σ x[n][oh·stride + i - pad_top][ow·stride + j - pad_left][k] ·
/// filter[i][j][k][o]`, each element one chain of fused multiply-adds from +0 over
/// `i`, then `j`, then `k`, taps in the padding reading +0: the same bits at every width.
void cvectormath_conv2d_forward(
    int lanes, const struct cvectormath_conv2d *c, const float *x, const float *filter,
    float *y, float *padded);

/// `df[i][j][k][o] += Σ x[n][oh·stride + i - pad_top][ow·stride + j - pad_left][k] ·
/// dy[n][oh][ow][o]`, each element one chain of fused multiply-adds over `n`, then `oh`, then
/// `ow`, starting from `df`'s values when `accumulate` is not 0, else from +0.
void cvectormath_conv2d_filter_gradient(
    int lanes, const struct cvectormath_conv2d *c, const float *x, const float *dy,
    int accumulate, float *df, float *padded);

#endif
