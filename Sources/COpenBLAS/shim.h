#include <cblas.h>
// Set once at start-up so runs are repeatable at a fixed thread count.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// glibc's allocator settings (mallopt): BLAS.setThreads keeps freed tensor memory in the process.
#if defined(__GLIBC__)
#include <malloc.h>
#endif
