#ifndef SWIFTGARDEN_CZLIB_SHIM_H
#define SWIFTGARDEN_CZLIB_SHIM_H

// zlib's deflateInit2 is a function-like macro (it passes ZLIB_VERSION and sizeof(z_stream) to
// deflateInit2_), which Swift does not import; this wrapper is the same call as a function.

#include <zlib.h>

static inline int garden_deflate_init_raw(z_stream *stream, int level) {
    // windowBits -15: raw deflate, no zlib or gzip wrapper (GzipWriter writes its own header,
    // without a timestamp or file name). memLevel 8 and the default strategy are zlib's defaults.
    return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

#endif // SWIFTGARDEN_CZLIB_SHIM_H
