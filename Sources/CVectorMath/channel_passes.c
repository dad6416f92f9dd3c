// Column sums and batch normalization's per-channel passes in eight-channel vectors. The Swift
// loops they replace are built for baseline x86-64 (two Doubles or four Floats to an SSE
// register); here a row's eight channels take one AVX register of Floats and two (or one
// AVX-512) of Doubles. Batch norm's passes were 18 % of a resnet_tiny step once its
// convolutions went direct; column sums (bias gradients) 2.8 % of bert_tiny's, LayerNorm's
// parameter gradients 1.3 %.
#include "cvectormath.h"

#include <string.h>

// The Swift loops round every product and sum: nothing may fuse.
#pragma clang fp contract(off)

#if defined(__x86_64__)

typedef float vf8 __attribute__((ext_vector_type(8)));
typedef double vd8 __attribute__((ext_vector_type(8)));
// Eight Doubles read and written in place, and widened, by macros: a function returning eight
// Doubles would pass them differently with and without AVX-512 (-Wpsabi).
typedef double vd8_unaligned __attribute__((ext_vector_type(8), aligned(8)));
#define LOAD8D(p) (*(const vd8_unaligned *)(p))
#define STORE8D(p, v) (*(vd8_unaligned *)(p) = (v))
#define WIDE(v) __builtin_convertvector((v), vd8)

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

static inline vf8 load8(const float *p) {
    vf8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store8(float *p, vf8 v) { memcpy(p, &v, sizeof v); }

typedef int vi8 __attribute__((ext_vector_type(8)));

// ReLU as `Relu` computes it, `v > 0 ? v : 0` (NaN and -0 become +0), lane by lane.
static inline vf8 relu_value(vf8 v) { return (vf8)((v > (vf8)0.0f) & (vi8)v); }

// ReLU's derivative factor as its vjp multiplies by it: 1 where `v > 0`, else 0.
static inline vf8 relu_step(vf8 v) { return (vf8)((v > (vf8)0.0f) & (vi8)(vf8)1.0f); }

// The two above for one value (the loops' tails).
static inline float relu_value1(float v) { return v > 0 ? v : 0.0f; }
static inline float relu_step1(float v) { return v > 0 ? 1.0f : 0.0f; }

void cvectormath_column_sums(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, double *sx,
    double *sg) {
    size_t j = 0;
    for (; j + 8 <= width; j += 8) {
        vd8 ax = LOAD8D(sx + j), ag = g ? LOAD8D(sg + j) : (vd8)0.0;
        for (size_t r = 0; r < rows; r++) {
            ax += WIDE(load8(x + r * stride + j));
            if (g) ag += WIDE(load8(g + r * stride + j));
        }
        STORE8D(sx + j, ax);
        if (g) STORE8D(sg + j, ag);
    }
    for (; j < width; j++) {
        for (size_t r = 0; r < rows; r++) {
            sx[j] += (double)x[r * stride + j];
            if (g) sg[j] += (double)g[r * stride + j];
        }
    }
}

void cvectormath_column_product_sums(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, double *sgx,
    double *sg) {
    size_t j = 0;
    for (; j + 8 <= width; j += 8) {
        vd8 agx = LOAD8D(sgx + j), ag = LOAD8D(sg + j);
        for (size_t r = 0; r < rows; r++) {
            vf8 gv = load8(g + r * stride + j);
            agx += WIDE(gv * load8(x + r * stride + j));
            ag += WIDE(gv);
        }
        STORE8D(sgx + j, agx);
        STORE8D(sg + j, ag);
    }
    for (; j < width; j++) {
        for (size_t r = 0; r < rows; r++) {
            float gv = g[r * stride + j];
            sgx[j] += (double)(gv * x[r * stride + j]);
            sg[j] += (double)gv;
        }
    }
}

void cvectormath_bn_squared_deviations(
    const float *x, size_t rows, size_t stride, size_t width, const double *mean, double *sq,
    const float *floatMean, double *floatSq) {
    size_t j = 0;
    for (; j + 8 <= width; j += 8) {
        vd8 acc = LOAD8D(sq + j), mu = LOAD8D(mean + j), facc = LOAD8D(floatSq + j);
        vf8 fmu = load8(floatMean + j);
        for (size_t r = 0; r < rows; r++) {
            vf8 xv = load8(x + r * stride + j);
            vd8 d = WIDE(xv) - mu;
            acc += d * d;
            vf8 fd = xv - fmu;
            facc += WIDE(fd * fd);
        }
        STORE8D(sq + j, acc);
        STORE8D(floatSq + j, facc);
    }
    for (; j < width; j++) {
        for (size_t r = 0; r < rows; r++) {
            float xv = x[r * stride + j];
            double d = (double)xv - mean[j];
            sq[j] += d * d;
            float fd = xv - floatMean[j];
            floatSq[j] += (double)(fd * fd);
        }
    }
}

void cvectormath_bn_normalized_products(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, const float *mean,
    const float *inv, const float *reluA, const float *reluB, double *sgx, double *sg) {
    size_t j = 0;
    for (; j + 8 <= width; j += 8) {
        vd8 acc = LOAD8D(sgx + j), gacc = LOAD8D(sg + j);
        vf8 mu = load8(mean + j), iv = load8(inv + j);
        vf8 ra = reluA ? load8(reluA + j) : (vf8)0.0f, rb = reluB ? load8(reluB + j) : (vf8)0.0f;
        for (size_t r = 0; r < rows; r++) {
            vf8 xv = load8(x + r * stride + j), gv = load8(g + r * stride + j);
            if (reluA) gv = gv * relu_step(xv * ra + rb);
            vf8 xhat = (xv - mu) * iv;
            acc += WIDE(gv * xhat);
            gacc += WIDE(gv);
        }
        STORE8D(sgx + j, acc);
        STORE8D(sg + j, gacc);
    }
    for (; j < width; j++) {
        for (size_t r = 0; r < rows; r++) {
            float xv = x[r * stride + j], gv = g[r * stride + j];
            if (reluA) gv = gv * relu_step1(xv * reluA[j] + reluB[j]);
            float xhat = (xv - mean[j]) * inv[j];
            sgx[j] += (double)(gv * xhat);
            sg[j] += (double)gv;
        }
    }
}

void cvectormath_bn_input_gradient(
    const float *x, const float *g, float *dx, size_t rows, size_t stride, size_t width,
    const float *mean, const float *inv, const float *coefficient, float m,
    const float *dOffset, const float *dScale, const float *reluA, const float *reluB) {
    size_t j = 0;
    for (; j + 8 <= width; j += 8) {
        vf8 mu = load8(mean + j), iv = load8(inv + j), co = load8(coefficient + j);
        vf8 doff = load8(dOffset + j), ds = load8(dScale + j);
        vf8 ra = reluA ? load8(reluA + j) : (vf8)0.0f, rb = reluB ? load8(reluB + j) : (vf8)0.0f;
        for (size_t r = 0; r < rows; r++) {
            vf8 xv = load8(x + r * stride + j), gv = load8(g + r * stride + j);
            if (reluA) gv = gv * relu_step(xv * ra + rb);
            vf8 xhat = (xv - mu) * iv;
            store8(dx + r * stride + j, co * (gv * m - doff - xhat * ds));
        }
    }
    for (; j < width; j++) {
        for (size_t r = 0; r < rows; r++) {
            float xv = x[r * stride + j], gv = g[r * stride + j];
            if (reluA) gv = gv * relu_step1(xv * reluA[j] + reluB[j]);
            float xhat = (xv - mean[j]) * inv[j];
            dx[r * stride + j] = coefficient[j] * (gv * m - dOffset[j] - xhat * dScale[j]);
        }
    }
}

void cvectormath_bn_affine(
    const float *x, float *y, size_t rows, size_t width, const float *a, const float *b,
    int relu) {
    for (size_t r = 0; r < rows; r++) {
        const float *src = x + r * width;
        float *dst = y + r * width;
        size_t j = 0;
        for (; j + 8 <= width; j += 8) {
            vf8 v = load8(src + j) * load8(a + j) + load8(b + j);
            store8(dst + j, relu ? relu_value(v) : v);
        }
        for (; j < width; j++) {
            float v = src[j] * a[j] + b[j];
            dst[j] = relu ? relu_value1(v) : v;
        }
    }
}

#pragma clang attribute pop

#else

// Unreachable: the lane width is 0 here, so the Swift loops run.
void cvectormath_column_product_sums(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, double *sgx,
    double *sg) {
    (void)x, (void)g, (void)rows, (void)stride, (void)width, (void)sgx, (void)sg;
}

void cvectormath_column_sums(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, double *sx,
    double *sg) {
    (void)x, (void)g, (void)rows, (void)stride, (void)width, (void)sx, (void)sg;
}

void cvectormath_bn_squared_deviations(
    const float *x, size_t rows, size_t stride, size_t width, const double *mean, double *sq,
    const float *floatMean, double *floatSq) {
    (void)x, (void)rows, (void)stride, (void)width, (void)mean, (void)sq, (void)floatMean;
    (void)floatSq;
}

void cvectormath_bn_normalized_products(
    const float *x, const float *g, size_t rows, size_t stride, size_t width, const float *mean,
    const float *inv, const float *reluA, const float *reluB, double *sgx, double *sg) {
    (void)x, (void)g, (void)rows, (void)stride, (void)width, (void)mean, (void)inv, (void)sgx;
    (void)reluA, (void)reluB, (void)sg;
}

void cvectormath_bn_input_gradient(
    const float *x, const float *g, float *dx, size_t rows, size_t stride, size_t width,
    const float *mean, const float *inv, const float *coefficient, float m,
    const float *dOffset, const float *dScale, const float *reluA, const float *reluB) {
    (void)x, (void)g, (void)dx, (void)rows, (void)stride, (void)width, (void)mean, (void)inv;
    (void)coefficient, (void)m, (void)dOffset, (void)dScale, (void)reluA, (void)reluB;
}

void cvectormath_bn_affine(
    const float *x, float *y, size_t rows, size_t width, const float *a, const float *b,
    int relu) {
    (void)x, (void)y, (void)rows, (void)width, (void)a, (void)b, (void)relu;
}

#endif
