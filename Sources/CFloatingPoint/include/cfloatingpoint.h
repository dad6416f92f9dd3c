#ifndef CFLOATINGPOINT_H
#define CFLOATINGPOINT_H

/// Makes the calling thread's float arithmetic flush subnormal results to zero and read
/// subnormal operands as zero (x86-64's MXCSR FTZ and DAZ bits), as TensorFlow's CPU kernels
/// and pool threads compute. Off x86-64 it does nothing (IEEE's gradual underflow stays).
void cfloatingpoint_flush_subnormals(void);

/// 1 when the calling thread flushes subnormals (both bits set), else 0.
int cfloatingpoint_flushes_subnormals(void);

#endif
