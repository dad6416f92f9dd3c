#include "cfloatingpoint.h"

#if defined(__x86_64__)
#include <xmmintrin.h>

// FTZ (bit 15) and DAZ (bit 6) of MXCSR.
static const unsigned int flush_bits = 0x8040;

void cfloatingpoint_flush_subnormals(void) { _mm_setcsr(_mm_getcsr() | flush_bits); }

int cfloatingpoint_flushes_subnormals(void) {
    return (_mm_getcsr() & flush_bits) == flush_bits;
}
#else
void cfloatingpoint_flush_subnormals(void) {}

int cfloatingpoint_flushes_subnormals(void) { return 0; }
#endif
