#ifndef CCRC32C_H
#define CCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Returns 1 when the CPU executes SSE 4.2's `crc32` instruction, else 0 (always 0 off x86-64).
int ccrc32c_hardware_available(void);

/// Continues the CRC-32C register `state` (not inverted: the caller owns the initial value and
/// final xor) over `count` bytes at `bytes` with the `crc32` instruction.
/// Call only when `ccrc32c_hardware_available()` returned 1.
uint32_t ccrc32c_hardware_extend(uint32_t state, const void *bytes, size_t count);

#endif
