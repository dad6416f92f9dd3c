// Exact GELU on LANES float lanes: not an ordinary header (no guard), included once per
// instruction set by cvectormath.c with LANES and SUFFIX defined. Every operation mirrors
// Sources/GardenTensor/Kernels/VectorMath.swift and Gelu.swift in order, without fused
// multiply-adds (cvectormath.c turns contraction off), so a lane's bits do not depend on the
// width.

#define GLUE2(a, b) a##b
#define GLUE(a, b) GLUE2(a, b)
#define VF GLUE(vf, SUFFIX)
#define VI GLUE(vi, SUFFIX)
#define VU GLUE(vu, SUFFIX)
#define FN(name) GLUE(name, SUFFIX)

typedef float VF __attribute__((ext_vector_type(LANES)));
typedef int VI __attribute__((ext_vector_type(LANES)));
typedef unsigned VU __attribute__((ext_vector_type(LANES)));

static inline VF FN(splat)(float v) { return (VF)v; }

// `a` where `mask` lanes are all ones, else `b`.
static inline VF FN(select)(VI mask, VF a, VF b) {
    return (VF)((mask & (VI)a) | (~mask & (VI)b));
}

// SSE's minps/maxps: the second operand when either is NaN.
static inline VF FN(minimum)(VF a, VF b) { return FN(select)(a < b, a, b); }
static inline VF FN(maximum)(VF a, VF b) { return FN(select)(a > b, a, b); }

static inline VF FN(clamp)(VF v, float low, float high) {
    return FN(maximum)(FN(minimum)(v, FN(splat)(high)), FN(splat)(low));
}

static inline VI FN(is_nan)(VF v) { return v != v; }

static inline VF FN(erf)(VF v) {
    VF x = FN(clamp)(v, -4.0f, 4.0f);
    VF x2 = x * x;
    VF p = x2 * -2.72614225801306e-10f + 2.77068142495902e-08f;
    p = x2 * p + -2.10102402082508e-06f;
    p = x2 * p + -5.69250639462346e-05f;
    p = x2 * p + -7.34990630326855e-04f;
    p = x2 * p + -2.95459980854025e-03f;
    p = x2 * p + -1.60960333262415e-02f;
    p = x * p;
    VF q = x2 * -1.45660718464996e-05f + -2.13374055278905e-04f;
    q = x2 * q + -1.68282697438203e-03f;
    q = x2 * q + -7.37332916720468e-03f;
    q = x2 * q + -1.42647390514189e-02f;
    VF one = FN(splat)(1.0f);
    VF y = FN(clamp)(p / q, -1.0f, 1.0f);
    y = FN(select)(x > FN(splat)(3.9f), one, y);
    y = FN(select)(FN(splat)(-3.9f) > x, -one, y);
    return FN(select)(FN(is_nan)(v), v, y);
}

static inline VF FN(exp_of_non_positive)(VF v) {
    VF x = FN(clamp)(v, -87.33654f, 0.0f);
    const float magic = 12582912.0f;
    VF shifted = x * 1.44269504f + magic;
    VF n = shifted - magic;
    VF r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    VF e = r * 1.9875691500e-4f + 1.3981999507e-3f;
    e = e * r + 8.3334519073e-3f;
    e = e * r + 4.1665795894e-2f;
    e = e * r + 1.6666665459e-1f;
    e = e * r + 5.0000001201e-1f;
    e = e * (r * r) + r + 1.0f;
    // Unsigned: the exponent arithmetic wraps as Swift's &- and &+ do.
    VU scale = ((VU)shifted - (VU)FN(splat)(magic) + 127u) << 23;
    return FN(select)(FN(is_nan)(v), v, e * (VF)scale);
}

static inline VF FN(gelu)(VF v) {
    return (v * 0.5f) * (1.0f + FN(erf)(v * GELU_INV_SQRT2));
}

static inline VF FN(gelu_grad)(VF v, VF gi) {
    VF t = v * GELU_INV_SQRT2;
    VF via_half = (gi * (1.0f + FN(erf)(t))) * 0.5f;
    VF via_erf = (((gi * (v * 0.5f)) * FN(exp_of_non_positive)(-(t * t))) * GELU_TWO_OVER_SQRT_PI)
        * GELU_INV_SQRT2;
    return via_erf + via_half;
}

static void FN(gelu_forward)(const float *x, float *y, size_t count) {
    size_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        VF v;
        memcpy(&v, x + i, sizeof v);
        VF out = FN(gelu)(v);
        memcpy(y + i, &out, sizeof out);
    }
    if (i < count) {  // the tail in a zero-padded group: lanes are independent
        VF v = FN(splat)(0.0f);
        memcpy(&v, x + i, (count - i) * sizeof(float));
        VF out = FN(gelu)(v);
        memcpy(y + i, &out, (count - i) * sizeof(float));
    }
}

static void FN(gelu_backward)(const float *x, const float *g, float *out, size_t count) {
    size_t i = 0;
    for (; i + LANES <= count; i += LANES) {
        VF v, gi;
        memcpy(&v, x + i, sizeof v);
        memcpy(&gi, g + i, sizeof gi);
        VF result = FN(gelu_grad)(v, gi);
        memcpy(out + i, &result, sizeof result);
    }
    if (i < count) {
        VF v = FN(splat)(0.0f), gi = FN(splat)(0.0f);
        memcpy(&v, x + i, (count - i) * sizeof(float));
        memcpy(&gi, g + i, (count - i) * sizeof(float));
        VF result = FN(gelu_grad)(v, gi);
        memcpy(out + i, &result, (count - i) * sizeof(float));
    }
}

#undef VF
#undef VI
#undef VU
#undef FN
#undef GLUE
#undef GLUE2
