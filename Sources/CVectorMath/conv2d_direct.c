// Direct convolution for few input channels, chosen at run time. im2col + GEMM writes a column
// matrix nine times the input and reads it again, and OpenBLAS packs it once more; at 16
// channels the product's `k` (9 · channels) is also too short to amortize the packing, and it
// ran at a fraction of the machine (docs/performance.md). Here the filter's 16 output channels
// sit in one or two vector registers and a tile of output pixels accumulates in registers,
// each tap's input value broadcast from a zero-padded copy of the image.
#include "cvectormath.h"

#include <string.h>

// Every product-and-add below is an explicit fused multiply-add; nothing else may fuse.
#pragma clang fp contract(off)

#define CONV_BLOCK 16
// The widest output row the 16-channel forward with the pixels in the vectors takes (its row
// scratch is on the stack).
#define PIXEL_ROW_MAX 256
// Output pixels per band of the filter gradient (conv2d_lanes.h).
#define FILTER_BAND_PIXELS 64

static size_t conv2d_padded_h(const struct cvectormath_conv2d *c) {
    return (size_t)(c->out_h - 1) * c->stride + c->kernel_h;
}

static size_t conv2d_padded_w(const struct cvectormath_conv2d *c) {
    return (size_t)(c->out_w - 1) * c->stride + c->kernel_w;
}

size_t cvectormath_conv2d_padded_count(const struct cvectormath_conv2d *c) {
    return conv2d_padded_h(c) * conv2d_padded_w(c) * (size_t)c->in_channels;
}

// One image, NHWC, copied into the rows and columns the windows read, zeros around it.
static void conv2d_pad(const struct cvectormath_conv2d *c, const float *x, float *padded) {
    const size_t cin = (size_t)c->in_channels, width = conv2d_padded_w(c);
    const size_t height = conv2d_padded_h(c);
    // Padded columns [left, left + inside) hold input columns [first, first + inside).
    const size_t left = c->pad_left > 0 ? (size_t)c->pad_left : 0;
    const size_t first = c->pad_left > 0 ? 0 : (size_t)-c->pad_left;
    long fits = (long)c->in_w - (long)first;
    if (fits > (long)(width - left)) fits = (long)(width - left);
    const size_t inside = fits > 0 ? (size_t)fits : 0;
    for (size_t r = 0; r < height; r++) {
        float *row = padded + r * width * cin;
        const long ih = (long)r - c->pad_top;
        if (ih < 0 || ih >= c->in_h || inside == 0) {
            memset(row, 0, width * cin * sizeof(float));
            continue;
        }
        memset(row, 0, left * cin * sizeof(float));
        memcpy(row + left * cin, x + ((size_t)ih * c->in_w + first) * cin,
               inside * cin * sizeof(float));
        memset(row + (left + inside) * cin, 0, (width - left - inside) * cin * sizeof(float));
    }
}

// Calls CALL(t, at) for tiles of t consecutive items from `at`, covering [0, count): tiles of
// TILE, then one of TILE / 2, then single items. `at` names a size_t the calls can read.
#define FOR_EACH_TILE(count, at, CALL)                                                         \
    do {                                                                                       \
        size_t at = 0;                                                                         \
        for (; at + TILE <= (count); at += TILE) CALL(TILE, at);                               \
        if (at + TILE / 2 <= (count)) {                                                        \
            CALL(TILE / 2, at);                                                                \
            at += TILE / 2;                                                                    \
        }                                                                                      \
        for (; at < (count); at++) CALL(1, at);                                                \
    } while (0)

// As FOR_EACH_TILE for tiles at two blocks of output channels: tiles of TILE / 2, then single
// items.
#define FOR_EACH_HALF_TILE(count, at, CALL)                                                    \
    do {                                                                                       \
        size_t at = 0;                                                                         \
        for (; at + TILE / 2 <= (count); at += TILE / 2) CALL(TILE / 2, at);                   \
        for (; at < (count); at++) CALL(1, at);                                                \
    } while (0)

#if defined(__x86_64__)

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define LANES 8
#define SUFFIX _avx2
// Six pixels (or taps) of two 8-lane accumulators: 12 of the 16 registers.
#define TILE 6
#include "conv2d_lanes.h"
#undef LANES
#undef SUFFIX
#undef TILE
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#define LANES 16
#define SUFFIX _avx512
// Sixteen 16-lane accumulators: half the 32 registers.
#define TILE 16
#include "conv2d_lanes.h"
#undef LANES
#undef SUFFIX
#undef TILE
#pragma clang attribute pop

int cvectormath_conv2d_lane_width(void) {
    int lanes = cvectormath_lane_width();
    // Every AVX-512F CPU has FMA; an AVX2 one without it keeps the GEMM path.
    return lanes == 8 && !(cpu_features() & CPU_FEATURE_FMA) ? 0 : lanes;
}

void cvectormath_conv2d_forward(
    int lanes, const struct cvectormath_conv2d *c, const float *x, const float *filter,
    float *y, float *padded) {
    if (lanes == 16) {
        conv2d_forward_avx512(c, x, filter, y, padded);
    } else {
        conv2d_forward_avx2(c, x, filter, y, padded);
    }
}

void cvectormath_conv2d_filter_gradient(
    int lanes, const struct cvectormath_conv2d *c, const float *x, const float *dy,
    int accumulate, float *df, float *padded) {
    if (lanes == 16) {
        conv2d_filter_gradient_avx512(c, x, dy, accumulate, df, padded);
    } else {
        conv2d_filter_gradient_avx2(c, x, dy, accumulate, df, padded);
    }
}

#else

int cvectormath_conv2d_lane_width(void) { return 0; }

// Unreachable: the width is 0 here, so callers keep their GEMM path.
void cvectormath_conv2d_forward(
    int lanes, const struct cvectormath_conv2d *c, const float *x, const float *filter,
    float *y, float *padded) {
    (void)lanes, (void)c, (void)x, (void)filter, (void)y, (void)padded;
    (void)conv2d_pad;
}

void cvectormath_conv2d_filter_gradient(
    int lanes, const struct cvectormath_conv2d *c, const float *x, const float *dy,
    int accumulate, float *df, float *padded) {
    (void)lanes, (void)c, (void)x, (void)dy, (void)accumulate, (void)df, (void)padded;
}

#endif
