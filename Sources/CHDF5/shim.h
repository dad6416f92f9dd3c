#ifndef SWIFTGARDEN_CHDF5_SHIM_H
#define SWIFTGARDEN_CHDF5_SHIM_H

// HDF5 spells most of its constants as macros that expand to `(H5OPEN H5T_NATIVE_FLOAT_g)` and
// similar: they run H5open() and then read a global that only exists after the library started.
// Swift imports neither function-like nor side-effecting macros, so each one we use becomes a
// `static inline` function here. Casts such as `(hid_t)0` are wrapped too, because Swift does
// not import cast macros either.

#include <hdf5.h>

// File access flags.
static inline unsigned garden_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned garden_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline unsigned garden_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }

// Default property list and "whole dataspace" selection.
static inline hid_t garden_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t garden_h5s_all(void) { return H5S_ALL; }

// Property list classes, for H5Pcreate.
static inline hid_t garden_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t garden_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t garden_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t garden_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }

// Memory (native) types: what Swift arrays hold.
static inline hid_t garden_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t garden_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t garden_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t garden_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t garden_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }

// File types: always little-endian, so a file does not depend on the machine that wrote it.
static inline hid_t garden_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t garden_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t garden_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t garden_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t garden_h5t_std_u8le(void) { return H5T_STD_U8LE; }

// Strings.
static inline hid_t garden_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t garden_h5t_variable(void) { return H5T_VARIABLE; }

// HDF5 prints its whole error stack to stderr on every failed call by default. We turn the
// printing off and report our own errors, which name the file, the object and what was expected.
static inline herr_t garden_h5_disable_error_printing(void) {
    return H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

#endif // SWIFTGARDEN_CHDF5_SHIM_H
