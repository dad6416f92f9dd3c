// Direct 2-D convolution on LANES float lanes: not an ordinary header (no guard), included once
// per instruction set by conv2d_direct.c with LANES, SUFFIX and TILE defined. Output channels go
// in blocks of 16 (one 16-lane vector or two 8-lane ones), so each element is one chain of
// fused multiply-adds in the order conv2d_direct.h states, whatever the width or the tile:
// the bits do not depend on the instruction set.

#define GLUE2(a, b) a##b
#define GLUE(a, b) GLUE2(a, b)
#define VF GLUE(conv_vf, SUFFIX)
#define FN(name) GLUE(name, SUFFIX)
#define VECS (CONV_BLOCK / LANES)

typedef float VF __attribute__((ext_vector_type(LANES)));

static inline VF FN(load)(const float *p) {
    VF v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void FN(store)(float *p, VF v) { memcpy(p, &v, sizeof v); }

// `tile` output pixels of one row, `blocks` blocks of 16 output channels side by side (tile ·
// blocks at most TILE): `x` is the padded image at the first pixel's window corner; `s` the
// stride and `cin` the input channels (constants where inlined, so that each pixel's value is a
// fixed offset from one pointer: with run-time ones, a pointer per pixel spilled the registers
// and halved the speed); `f` the filter at the first block's first channel; `y` the first
// pixel's output at that block.
static inline __attribute__((always_inline)) void FN(forward_tile)(
    int tile, int blocks, int s, int cin, const float *x, const float *f,
    const struct cvectormath_conv2d *c, float *y) {
    VF acc[TILE][2 * VECS];
    const int vecs = blocks * VECS;
    for (int p = 0; p < tile; p++)
        for (int v = 0; v < vecs; v++) acc[p][v] = (VF)0.0f;
    const size_t cout = (size_t)c->out_channels, pixel_step = (size_t)s * (size_t)cin;
    // A window row's taps are kernel_w·cin floats in a row in the padded image and the filter.
    const size_t run = (size_t)c->kernel_w * (size_t)cin;
    const size_t row_step = conv2d_padded_w(c) * (size_t)cin;
    for (int i = 0; i < c->kernel_h; i++) {
        const float *xs = x + (size_t)i * row_step;
        const float *fs = f + (size_t)i * run * cout;
        for (size_t k = 0; k < run; k++) {
            VF w[2 * VECS];
            for (int v = 0; v < vecs; v++) w[v] = FN(load)(fs + k * cout + v * LANES);
            for (int p = 0; p < tile; p++) {
                VF xv = (VF)xs[(size_t)p * pixel_step + k];
                for (int v = 0; v < vecs; v++)
                    acc[p][v] = __builtin_elementwise_fma(xv, w[v], acc[p][v]);
            }
        }
    }
    for (int p = 0; p < tile; p++)
        for (int v = 0; v < vecs; v++) FN(store)(y + p * cout + v * LANES, acc[p][v]);
}

// One output row at one block of output channels.
static inline __attribute__((always_inline)) void FN(forward_row)(
    int s, int cin, const float *x, const float *f, const struct cvectormath_conv2d *c,
    float *y) {
    const size_t cout = (size_t)c->out_channels, pixel_step = (size_t)s * (size_t)cin;
#define FORWARD_TILE(t, ow)                                                                    \
    FN(forward_tile)(t, 1, s, cin, x + (ow) * pixel_step, f, c, y + (ow) * cout)
    FOR_EACH_TILE((size_t)c->out_w, ow, FORWARD_TILE);
#undef FORWARD_TILE
}

// One output row at two blocks of output channels: half a tile of pixels times two blocks
// keeps a whole tile's accumulators busy, each input value broadcast feeds both blocks, and rows
// shorter than a tile fill it (resnet_tiny's 32- and 64-channel stages, single-threaded at batch
// 32: 73-96 GFLOP/s with one block at a time, 108-144 with two).
static inline __attribute__((always_inline)) void FN(forward_row_pair)(
    int s, int cin, const float *x, const float *f, const struct cvectormath_conv2d *c,
    float *y) {
    const size_t cout = (size_t)c->out_channels, pixel_step = (size_t)s * (size_t)cin;
    const size_t out_w = (size_t)c->out_w;
    size_t ow = 0;
    for (; ow + TILE / 2 <= out_w; ow += TILE / 2)
        FN(forward_tile)(TILE / 2, 2, s, cin, x + ow * pixel_step, f, c, y + ow * cout);
    for (; ow < out_w; ow++)
        FN(forward_tile)(1, 2, s, cin, x + ow * pixel_step, f, c, y + ow * cout);
}

static void FN(conv2d_forward)(
    const struct cvectormath_conv2d *c, const float *x, const float *filter, float *y,
    float *padded) {
    const int cin = c->in_channels, stride = c->stride;
    const size_t cout = (size_t)c->out_channels, out_w = (size_t)c->out_w;
    const size_t row_step = conv2d_padded_w(c) * (size_t)cin;
    // Two blocks at a time where they pair up (with 16 lanes: four 8-lane accumulators per
    // pixel and their weights would not leave AVX2's 16 registers for the rest).
    const int pairs = LANES == 16 && cout % (2 * CONV_BLOCK) == 0;
    for (int n = 0; n < c->images; n++) {
        conv2d_pad(c, x + (size_t)n * c->in_h * c->in_w * (size_t)cin, padded);
        float *yn = y + (size_t)n * c->out_h * out_w * cout;
        for (int oh = 0; oh < c->out_h; oh++) {
            const float *xr = padded + (size_t)oh * (size_t)stride * row_step;
            float *yr = yn + (size_t)oh * out_w * cout;
            for (size_t b = 0; b < cout; b += pairs ? 2 * CONV_BLOCK : CONV_BLOCK) {
                // ResNets' strides and channel counts with their offsets known; any other
                // convolution works too, more slowly.
#define FORWARD_ROW_AT(S, CIN)                                                                 \
    if (stride == (S) && cin == (CIN)) {                                                       \
        if (pairs)                                                                             \
            FN(forward_row_pair)(S, CIN, xr, filter + b, c, yr + b);                           \
        else                                                                                   \
            FN(forward_row)(S, CIN, xr, filter + b, c, yr + b);                                \
        continue;                                                                              \
    }
                FORWARD_ROW_AT(1, 3)
                FORWARD_ROW_AT(1, 16)
                FORWARD_ROW_AT(2, 16)
                FORWARD_ROW_AT(1, 32)
                FORWARD_ROW_AT(2, 32)
                FORWARD_ROW_AT(1, 64)
                FORWARD_ROW_AT(2, 64)
#undef FORWARD_ROW_AT
                if (pairs)
                    FN(forward_row_pair)(stride, cin, xr, filter + b, c, yr + b);
                else
                    FN(forward_row)(stride, cin, xr, filter + b, c, yr + b);
            }
        }
    }
}

// `tile` consecutive taps of one window row (a row's kernel_w·in_channels taps are in a row in
// the padded image and in the filter), `blocks` blocks of 16 output channels side by side (tile ·
// blocks at most TILE), summed over output rows [first_row, end_row) of one image into `df` (the
// first tap at the first block): `x` is the padded image at the first tap, `dy` the image's
// output gradient at the first block.
static inline __attribute__((always_inline)) void FN(filter_tile)(
    int tile, int blocks, const float *x, const float *dy, const struct cvectormath_conv2d *c,
    int first_row, int end_row, int fresh, float *df) {
    const size_t cin = (size_t)c->in_channels, cout = (size_t)c->out_channels;
    const size_t row_step = conv2d_padded_w(c) * cin, pixel_step = (size_t)c->stride * cin;
    const int vecs = blocks * VECS;
    VF acc[TILE][2 * VECS];
    for (int t = 0; t < tile; t++)
        for (int v = 0; v < vecs; v++)
            acc[t][v] = fresh ? (VF)0.0f : FN(load)(df + t * cout + v * LANES);
    for (int oh = first_row; oh < end_row; oh++) {
        const float *xr = x + (size_t)oh * c->stride * row_step;
        const float *dr = dy + (size_t)oh * c->out_w * cout;
        for (int ow = 0; ow < c->out_w; ow++) {
            VF d[2 * VECS];
            for (int v = 0; v < vecs; v++) d[v] = FN(load)(dr + (size_t)ow * cout + v * LANES);
            const float *xp = xr + (size_t)ow * pixel_step;
            for (int t = 0; t < tile; t++) {
                VF xv = (VF)xp[t];
                for (int v = 0; v < vecs; v++)
                    acc[t][v] = __builtin_elementwise_fma(xv, d[v], acc[t][v]);
            }
        }
    }
    for (int t = 0; t < tile; t++)
        for (int v = 0; v < vecs; v++) FN(store)(df + t * cout + v * LANES, acc[t][v]);
}

#if LANES == 16
// The filter gradient of 16 output channels with the taps in the vectors instead: `kvecs` (at
// most 3) vectors of 16 consecutive taps times 8 output channels from `co`, summed over one
// image's output pixels. With the channels in the vectors, 16 channels are one vector, so each
// broadcast tap fed one multiply-add; here a broadcast gradient value feeds `kvecs` of them and
// a loaded tap vector 8. `x` is the padded image at the first tap, `dy` the image's output
// gradient, `df` the filter gradient at the first tap (the block's channel 0).
static inline __attribute__((always_inline)) void FN(filter_taps_tile)(
    int kvecs, const float *x, const float *dy, const struct cvectormath_conv2d *c, int co,
    int fresh, float *df) {
    const size_t cin = (size_t)c->in_channels, cout = (size_t)c->out_channels;
    const size_t row_step = conv2d_padded_w(c) * cin, pixel_step = (size_t)c->stride * cin;
    VF acc[8][3];
    float lanes[LANES];
    for (int o = 0; o < 8; o++)
        for (int v = 0; v < kvecs; v++) {
            if (fresh) {
                acc[o][v] = (VF)0.0f;
                continue;
            }
            for (int l = 0; l < LANES; l++) lanes[l] = df[(size_t)(v * LANES + l) * cout + co + o];
            acc[o][v] = FN(load)(lanes);
        }
    for (int oh = 0; oh < c->out_h; oh++) {
        const float *xr = x + (size_t)oh * c->stride * row_step;
        const float *dr = dy + (size_t)oh * c->out_w * cout + co;
        for (int ow = 0; ow < c->out_w; ow++) {
            const float *xp = xr + (size_t)ow * pixel_step;
            VF xv[3];
            for (int v = 0; v < kvecs; v++) xv[v] = FN(load)(xp + v * LANES);
            for (int o = 0; o < 8; o++) {
                VF d = (VF)dr[(size_t)ow * cout + o];
                for (int v = 0; v < kvecs; v++)
                    acc[o][v] = __builtin_elementwise_fma(xv[v], d, acc[o][v]);
            }
        }
    }
    for (int o = 0; o < 8; o++)
        for (int v = 0; v < kvecs; v++) {
            FN(store)(lanes, acc[o][v]);
            for (int l = 0; l < LANES; l++) df[(size_t)(v * LANES + l) * cout + co + o] = lanes[l];
        }
}
#endif

static void FN(conv2d_filter_gradient)(
    const struct cvectormath_conv2d *c, const float *x, const float *dy, int accumulate,
    float *df, float *padded) {
    const size_t cin = (size_t)c->in_channels, cout = (size_t)c->out_channels;
    const size_t row_step = conv2d_padded_w(c) * cin, run = (size_t)c->kernel_w * cin;
    // Output rows in bands of about FILTER_BAND_PIXELS pixels, every tap of the window over one
    // band before the next: the band's gradient and input rows stay in the L1 cache across the
    // taps, where one pass per tap over the whole image read both from L2 (resnet_tiny's first
    // stage, one thread: 73 -> 88 GFLOP/s). Each element's sum still runs over the images, then
    // the rows, then the columns, in order.
    const int band = c->out_w >= FILTER_BAND_PIXELS ? 1 : FILTER_BAND_PIXELS / c->out_w;
    // As in the forward pass, two blocks at a time (with 16 lanes) where they pair up: 73-83
    // GFLOP/s -> 112-132 for resnet_tiny's 32- and 64-channel filter gradients (one thread).
    const int pairs = LANES == 16 && cout % (2 * CONV_BLOCK) == 0;
#if LANES == 16
    // 16 output channels and whole vectors of taps: the taps in the vectors, a whole image at a
    // time (the accumulators go in and out of `df` through a transpose once per image; bands of
    // 128 output pixels ran at 116 GFLOP/s, whole 32x32 images at 127-136, one thread).
    if (cout == CONV_BLOCK && run % LANES == 0) {
        const size_t vectors = run / LANES;
        for (int n = 0; n < c->images; n++) {
            conv2d_pad(c, x + (size_t)n * c->in_h * c->in_w * cin, padded);
            const float *dyn = dy + (size_t)n * c->out_h * c->out_w * cout;
            const int fresh = n == 0 && !accumulate;
            for (int i = 0; i < c->kernel_h; i++) {
                const float *xt = padded + (size_t)i * row_step;
                float *dft = df + (size_t)i * run * cout;
                for (size_t v = 0; v < vectors; v += 3) {
                    const size_t k = v * LANES;
                    for (int co = 0; co < CONV_BLOCK; co += 8) {
                        if (vectors - v >= 3)
                            FN(filter_taps_tile)(
                                3, xt + k, dyn, c, co, fresh, dft + k * cout);
                        else if (vectors - v == 2)
                            FN(filter_taps_tile)(
                                2, xt + k, dyn, c, co, fresh, dft + k * cout);
                        else
                            FN(filter_taps_tile)(
                                1, xt + k, dyn, c, co, fresh, dft + k * cout);
                    }
                }
            }
        }
        return;
    }
#endif
    for (int n = 0; n < c->images; n++) {
        conv2d_pad(c, x + (size_t)n * c->in_h * c->in_w * cin, padded);
        const float *dyn = dy + (size_t)n * c->out_h * c->out_w * cout;
        for (int first = 0; first < c->out_h; first += band) {
            const int end = first + band < c->out_h ? first + band : c->out_h;
            const int fresh = n == 0 && first == 0 && !accumulate;
            for (int i = 0; i < c->kernel_h; i++) {
                const float *xt = padded + (size_t)i * row_step;
                float *dft = df + (size_t)i * run * cout;
                for (size_t b = 0; b < cout; b += pairs ? 2 * CONV_BLOCK : CONV_BLOCK) {
                    if (pairs) {
                        // Half a tile of taps at two blocks: each value broadcast feeds both.
                        size_t k = 0;
                        for (; k + TILE / 2 <= run; k += TILE / 2)
                            FN(filter_tile)(
                                TILE / 2, 2, xt + k, dyn + b, c, first, end, fresh,
                                dft + k * cout + b);
                        for (; k < run; k++)
                            FN(filter_tile)(
                                1, 2, xt + k, dyn + b, c, first, end, fresh, dft + k * cout + b);
                        continue;
                    }
#define FILTER_TILE(t, k)                                                                      \
    FN(filter_tile)(t, 1, xt + (k), dyn + b, c, first, end, fresh, dft + (k) * cout + b)
                    FOR_EACH_TILE(run, k, FILTER_TILE);
#undef FILTER_TILE
                }
            }
        }
    }
}

#undef VECS
#undef VF
#undef FN
#undef GLUE
#undef GLUE2
