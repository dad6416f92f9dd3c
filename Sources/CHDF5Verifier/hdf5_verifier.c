#define _GNU_SOURCE
#include "hdf5_verifier.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

// Defined in Swift (GardenHDF5, HDF5Verifier.swift, `@_cdecl`): reads the file's metadata and
// returns the exit status. Every executable that links this file links GardenHDF5 too, since
// GardenHDF5 is the only target that depends on this one.
int garden_hdf5_verifier_main(const char *path);

// Runs before `main`, so the same hook works in every executable that reads HDF5 files,
// whichever `main` it has (swift-argument-parser's, libFuzzer's, the test runner's).
__attribute__((constructor)) static void garden_hdf5_verifier_entry(void) {
    const char *path = getenv(garden_hdf5_verifier_variable());
    if (path == NULL) return;
    // _exit: no atexit handlers or stdio flushing of a process that never reached main.
    _exit(garden_hdf5_verifier_main(path));
}

int garden_hdf5_verifier_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int garden_hdf5_verifier_close_others(posix_spawn_file_actions_t *actions) {
    return posix_spawn_file_actions_addclosefrom_np(actions, 3);
}

int garden_hdf5_verifier_limit_cpu(unsigned seconds) {
    struct rlimit limit = {seconds, seconds + 1};
    return setrlimit(RLIMIT_CPU, &limit);
}
