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

// One output row at one block of output channels, or with `pairs` at two: then half a tile of
// pixels times two blocks keeps a whole tile's accumulators busy, each input value broadcast
// feeds both blocks, and rows shorter than a tile fill it (resnet_tiny's 32- and 64-channel
// stages, single-threaded at batch 32: 73-96 GFLOP/s with one block at a time, 108-144 with two).
static inline __attribute__((always_inline)) void FN(forward_row)(
    int pairs, int s, int cin, const float *x, const float *f, const struct cvectormath_conv2d *c,
    float *y) {
    const size_t cout = (size_t)c->out_channels, pixel_step = (size_t)s * (size_t)cin;
#define FORWARD_TILE(t, ow, blocks)                                                            \
    FN(forward_tile)(t, blocks, s, cin, x + (ow) * pixel_step, f, c, y + (ow) * cout)
#define FORWARD_TILE_PAIR(t, ow) FORWARD_TILE(t, ow, 2)
#define FORWARD_TILE_ONE(t, ow) FORWARD_TILE(t, ow, 1)
    if (pairs)
        FOR_EACH_HALF_TILE((size_t)c->out_w, ow, FORWARD_TILE_PAIR);
    else
        FOR_EACH_TILE((size_t)c->out_w, ow, FORWARD_TILE_ONE);
#undef FORWARD_TILE_ONE
#undef FORWARD_TILE_PAIR
#undef FORWARD_TILE
}

#if LANES == 16
// 16 vectors of 16 lanes transposed in place (`r[i][l]` becomes `r[l][i]`): four rounds of
// two-source shuffles, each swapping blocks of 8, 4, 2, then 1 lanes between rows that far apart.
#define TRANSPOSE_LO8 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define TRANSPOSE_HI8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define TRANSPOSE_LO4 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27
#define TRANSPOSE_HI4 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31
#define TRANSPOSE_LO2 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29
#define TRANSPOSE_HI2 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31
#define TRANSPOSE_LO1 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30
#define TRANSPOSE_HI1 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31
#define TRANSPOSE_ROUND(BS, LO, HI)                                                            \
    for (int i = 0; i < 16; i++)                                                               \
        if (!(i & (BS))) {                                                                     \
            VF a = r[i], b = r[i + (BS)];                                                      \
            r[i] = __builtin_shufflevector(a, b, LO);                                          \
            r[i + (BS)] = __builtin_shufflevector(a, b, HI);                                   \
        }
static inline __attribute__((always_inline)) void FN(transpose16)(VF r[16]) {
    TRANSPOSE_ROUND(8, TRANSPOSE_LO8, TRANSPOSE_HI8)
    TRANSPOSE_ROUND(4, TRANSPOSE_LO4, TRANSPOSE_HI4)
    TRANSPOSE_ROUND(2, TRANSPOSE_LO2, TRANSPOSE_HI2)
    TRANSPOSE_ROUND(1, TRANSPOSE_LO1, TRANSPOSE_HI1)
}

// The forward pass at 16 output channels with the pixels in the vectors. With the channels in
// the vectors 16 channels are one vector, so each input value broadcast fed one multiply-add;
// here a tile of 8 channels times 32 pixels loads two input vectors and broadcasts 8 weights
// per tap for 16 multiply-adds. The image is first padded with each channel's columns in a row
// (`[padded_h][cin][padded_w]`); each output row is summed by channel into `rows`
// (`[16][out_w]`), then transposed into `y`. Each element is still one chain over the taps in
// the same order: the same bits.
//
// Taken at 16 input channels, whose padded copy transposes 16x16 blocks in registers (the
// stem's 3 channels, copied one value at a time, ran slower than with the channels in vectors),
// and rows of whole pairs of vectors (rows of 16 pixels, one vector, ran slower too).
static int FN(forward_by_pixels)(const struct cvectormath_conv2d *c) {
    return c->in_channels == 16 && c->out_channels == CONV_BLOCK && c->stride == 1 &&
           c->out_w % (2 * LANES) == 0 && c->out_w <= PIXEL_ROW_MAX && c->pad_top >= 0 &&
           c->pad_left >= 0;
}

// One image of 16 channels into the channel-planar padded layout above, zeros around it.
static void FN(pad_by_channel)(const struct cvectormath_conv2d *c, const float *x, float *out) {
    const size_t cin = 16, width = conv2d_padded_w(c);
    const size_t height = conv2d_padded_h(c), left = (size_t)c->pad_left;
    const size_t inside = (size_t)c->in_w < width - left ? (size_t)c->in_w : width - left;
    for (size_t r = 0; r < height; r++) {
        float *row = out + r * cin * width;
        const long ih = (long)r - c->pad_top;
        if (ih < 0 || ih >= c->in_h) {
            memset(row, 0, cin * width * sizeof(float));
            continue;
        }
        for (size_t k = 0; k < cin; k++) {
            memset(row + k * width, 0, left * sizeof(float));
            memset(row + k * width + left + inside, 0, (width - left - inside) * sizeof(float));
        }
        const float *xr = x + (size_t)ih * c->in_w * cin;
        size_t w = 0;
        for (; w + LANES <= inside; w += LANES) {
            VF v[LANES];
            for (size_t p = 0; p < LANES; p++) v[p] = FN(load)(xr + (w + p) * cin);
            FN(transpose16)(v);
            for (size_t k = 0; k < cin; k++) FN(store)(row + k * width + left + w, v[k]);
        }
        for (; w < inside; w++)
            for (size_t k = 0; k < cin; k++) row[k * width + left + w] = xr[w * cin + k];
    }
}

// Two vectors of pixels from `ow`, 8 output channels from `co`, of output row `oh`: into `rows`.
static inline __attribute__((always_inline)) void FN(pixels_tile)(
    const float *planar, const float *f, const struct cvectormath_conv2d *c, int oh, int ow,
    int co, float *rows) {
    const int vecs = 2, cin = 16;
    const size_t width = conv2d_padded_w(c), out_w = (size_t)c->out_w;
    VF acc[8][2];
    for (int o = 0; o < 8; o++)
        for (int v = 0; v < vecs; v++) acc[o][v] = (VF)0.0f;
    for (int i = 0; i < c->kernel_h; i++)
        for (int j = 0; j < c->kernel_w; j++)
            for (int k = 0; k < cin; k++) {
                const float *xp = planar + ((size_t)(oh + i) * cin + k) * width + ow + j;
                const float *w = f + (((size_t)i * c->kernel_w + j) * cin + k) * CONV_BLOCK + co;
                VF xv[2];
                for (int v = 0; v < vecs; v++) xv[v] = FN(load)(xp + v * LANES);
                for (int o = 0; o < 8; o++) {
                    VF wv = (VF)w[o];
                    for (int v = 0; v < vecs; v++)
                        acc[o][v] = __builtin_elementwise_fma(xv[v], wv, acc[o][v]);
                }
            }
    for (int o = 0; o < 8; o++)
        for (int v = 0; v < vecs; v++)
            FN(store)(rows + (co + o) * out_w + ow + v * LANES, acc[o][v]);
}

static inline __attribute__((always_inline)) void FN(forward_pixels_row)(
    const float *planar, const float *f, const struct cvectormath_conv2d *c, int oh, float *rows,
    float *y) {
    const int out_w = c->out_w;
    for (int co = 0; co < CONV_BLOCK; co += 8)
        for (int ow = 0; ow < out_w; ow += 2 * LANES)
            FN(pixels_tile)(planar, f, c, oh, ow, co, rows);
    for (int ow = 0; ow < out_w; ow += LANES) {
        VF v[16];
        for (int o = 0; o < 16; o++) v[o] = FN(load)(rows + (size_t)o * out_w + ow);
        FN(transpose16)(v);
        for (int p = 0; p < 16; p++) FN(store)(y + (size_t)(ow + p) * CONV_BLOCK, v[p]);
    }
}

static void FN(conv2d_forward_by_pixels)(
    const struct cvectormath_conv2d *c, const float *x, const float *filter, float *y,
    float *planar) {
    float rows[CONV_BLOCK * PIXEL_ROW_MAX];
    for (int n = 0; n < c->images; n++) {
        FN(pad_by_channel)(c, x + (size_t)n * c->in_h * c->in_w * 16, planar);
        float *yn = y + (size_t)n * c->out_h * c->out_w * CONV_BLOCK;
        for (int oh = 0; oh < c->out_h; oh++)
            FN(forward_pixels_row)(
                planar, filter, c, oh, rows, yn + (size_t)oh * c->out_w * CONV_BLOCK);
    }
}
#undef TRANSPOSE_ROUND
#undef TRANSPOSE_LO8
#undef TRANSPOSE_HI8
#undef TRANSPOSE_LO4
#undef TRANSPOSE_HI4
#undef TRANSPOSE_LO2
#undef TRANSPOSE_HI2
#undef TRANSPOSE_LO1
#undef TRANSPOSE_HI1
#endif

static void FN(conv2d_forward)(
    const struct cvectormath_conv2d *c, const float *x, const float *filter, float *y,
    float *padded) {
    const int cin = c->in_channels, stride = c->stride;
    const size_t cout = (size_t)c->out_channels, out_w = (size_t)c->out_w;
#if LANES == 16
    if (FN(forward_by_pixels)(c)) {
        FN(conv2d_forward_by_pixels)(c, x, filter, y, padded);
        return;
    }
#endif
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
        FN(forward_row)(pairs, S, CIN, xr, filter + b, c, yr + b);                             \
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
                FN(forward_row)(pairs, stride, cin, xr, filter + b, c, yr + b);
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
    // Output rows in bands of about FILTER_BAND_PIXELS pixels, every tap of the window over one
    // band before the next: the band's gradient and input rows stay in the L1 cache across the
    // taps, where one pass per tap over the whole image read both from L2 (resnet_tiny's first
    // stage, one thread: 73 -> 88 GFLOP/s). Each element's sum still runs over the images, then
    // the rows, then the columns, in order.
    const int band = c->out_w >= FILTER_BAND_PIXELS ? 1 : FILTER_BAND_PIXELS / c->out_w;
    // As in the forward pass, two blocks at a time (with 16 lanes) where they pair up: 73-83
    // GFLOP/s -> 112-132 for resnet_tiny's 32- and 64-channel filter gradients (one thread).
    const int pairs = LANES == 16 && cout % (2 * CONV_BLOCK) == 0;
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
#define FILTER_TILE(t, k, blocks)                                                              \
    FN(filter_tile)(t, blocks, xt + (k), dyn + b, c, first, end, fresh, dft + (k) * cout + b)
#define FILTER_TILE_PAIR(t, k) FILTER_TILE(t, k, 2)
#define FILTER_TILE_ONE(t, k) FILTER_TILE(t, k, 1)
                    // Half a tile of taps at two blocks: each value broadcast feeds both.
                    if (pairs)
                        FOR_EACH_HALF_TILE(run, k, FILTER_TILE_PAIR);
                    else
                        FOR_EACH_TILE(run, k, FILTER_TILE_ONE);
#undef FILTER_TILE_ONE
#undef FILTER_TILE_PAIR
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
