#ifndef SWIFTGARDEN_HDF5_VERIFIER_H
#define SWIFTGARDEN_HDF5_VERIFIER_H

#include <spawn.h>

// The process-start hook of the HDF5 verifier (Sources/GardenHDF5/HDF5Verifier.swift).
//
// Before GardenHDF5 lets libhdf5 open a file, it runs this very executable again
// (/proc/self/exe) with the file's path in the environment variable below. The constructor in
// hdf5_verifier.c sees it before `main` (of garden, garden-fuzz under libFuzzer, or a test
// runner) and runs the Swift verifier instead, which reads the file's metadata and exits. A
// libhdf5 crash on a hostile file then kills that child, not the process that asked.

/// The environment variable that makes a process the verifier of the file it names.
static inline const char *garden_hdf5_verifier_variable(void) {
    return "SWIFTGARDEN_INTERNAL_HDF5_VERIFY";
}

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no other child process inherits (Swift's Glibc
/// module does not declare pipe2, a GNU extension).
int garden_hdf5_verifier_pipe(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np(actions, 3): the child inherits no descriptor but
/// standard input, output and error (a GNU extension Swift's Glibc module does not declare).
int garden_hdf5_verifier_close_others(posix_spawn_file_actions_t *actions);

/// Limits the calling process to `seconds` of CPU time: SIGXCPU then, SIGKILL a second later.
/// Returns setrlimit's result.
int garden_hdf5_verifier_limit_cpu(unsigned seconds);

#endif // SWIFTGARDEN_HDF5_VERIFIER_H
