/*
 * bioimage.h — the C ABI of libbioimage (BioImage.Kernels compiled with NativeAOT).
 *
 * Conventions (every function):
 *   - Arrays are described by bk_array: the address of element [0,...,0], a dtype code, ndim, int64 shape and
 *     int64 strides counted in ELEMENTS (not bytes). Strides may be negative (reversed views) or arbitrary
 *     (Fortran order, slices); the library copies into scratch only when a kernel needs C-contiguous rows.
 *   - Outputs are allocated by the caller, with the shape and dtype each function documents. Unless a function
 *     says otherwise, an output may be the input itself or overlap it (the input is then copied first).
 *   - threads: 0 = all cores, n > 0 = at most n threads. The library starts no threads that outlive a call.
 *   - Every function returns a status code (BK_OK = 0 on success) and never lets an error escape in any other
 *     way. After a failure, bk_last_error() returns the message of the calling thread's last failed call.
 *   - Functions may be called from several threads at once (each call only touches its own arguments).
 *   - Border modes follow scipy.ndimage: reflect (d c b a | a b c d | d c b a), mirror (d c b | a b c d | c b a),
 *     nearest (a a a | a b c d | d d d), constant (k k k | a b c d | k k k), wrap (a b c d | a b c d | a b c d).
 *
 * Versioning: BK_ABI_VERSION changes whenever a declaration below changes incompatibly; check that
 * bk_abi_version() == BK_ABI_VERSION after loading the library. Codes of dtypes, modes and statuses never change
 * meaning. The library ships per x86-64 level (libbioimage_v2.so, _v3.so, _v4.so): a build above the CPU's level
 * aborts on its first call, so pick the highest level the CPU supports (v4: avx512f/bw/cd/dq/vl; v3: avx2, fma,
 * bmi1/2, f16c, movbe, lzcnt; v2: sse4.2, popcnt).
 */
#ifndef BIOIMAGE_H
#define BIOIMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BK_ABI_VERSION 1
#define BK_MAX_NDIM 8

/* Element types (bk_array.dtype). bool is one byte holding 0 or 1. */
#define BK_DTYPE_UINT8 1
#define BK_DTYPE_UINT16 2
#define BK_DTYPE_UINT32 3
#define BK_DTYPE_UINT64 4
#define BK_DTYPE_INT8 5
#define BK_DTYPE_INT16 6
#define BK_DTYPE_INT32 7
#define BK_DTYPE_INT64 8
#define BK_DTYPE_FLOAT32 9
#define BK_DTYPE_FLOAT64 10
#define BK_DTYPE_BOOL 11

/* Status codes. */
#define BK_OK 0
#define BK_ERR_INVALID_ARGUMENT 1 /* bad shape, stride, value or NULL pointer */
#define BK_ERR_DTYPE 2            /* an element type the function does not accept */
#define BK_ERR_OUT_OF_MEMORY 3
#define BK_ERR_DATA 4             /* the data cannot be processed as asked (e.g. label overflow) */
#define BK_ERR_IO 5               /* a file or store could not be read or written */
#define BK_ERR_RUN_FAILED 6       /* a block-wise run failed on some blocks */
#define BK_ERR_INTERNAL 7         /* a bug in the library */

/* Border modes (scipy.ndimage names). */
#define BK_MODE_REFLECT 0
#define BK_MODE_MIRROR 1
#define BK_MODE_NEAREST 2
#define BK_MODE_CONSTANT 3
#define BK_MODE_WRAP 4

/* An n-dimensional strided array owned by the caller. Entries of shape/strides beyond ndim are ignored. */
typedef struct bk_array {
    void* data;                     /* address of element [0, ..., 0] */
    int32_t dtype;                  /* BK_DTYPE_* */
    int32_t ndim;                   /* 0 to BK_MAX_NDIM */
    int64_t shape[BK_MAX_NDIM];     /* extent per axis */
    int64_t strides[BK_MAX_NDIM];   /* distance between neighbours per axis, in elements; may be negative */
} bk_array;

/* The ABI version of the loaded library; equal to BK_ABI_VERSION for a matching header. */
uint32_t bk_abi_version(void);

/*
 * Copies the UTF-8 message of the calling thread's last failed call into buffer (at most capacity - 1 bytes, then
 * a NUL; nothing when buffer is NULL or capacity is 0) and returns the message's full length in bytes (0 when no
 * call on this thread has failed). Call it with (NULL, 0) to size a buffer.
 */
size_t bk_last_error(char* buffer, size_t capacity);

/* ---- Gaussian filters: scipy.ndimage semantics on 2D or 3D arrays --------------------------------------------
 * input:  2D or 3D, any dtype (converted to the output's precision).
 * output: float32 or float64 (sets the working precision), the input's shape; may be the input itself.
 * sigma:  one standard deviation per input axis, in voxels, each >= 0 (0 leaves the axis unfiltered).
 * mode, cval: border handling (BK_MODE_*; cval for BK_MODE_CONSTANT). truncate: kernel reach in sigmas (scipy: 4.0),
 * the kernel radius is int(truncate * sigma + 0.5).
 */

/* scipy.ndimage.gaussian_filter(input, sigma, mode=mode, cval=cval, truncate=truncate). */
int32_t bk_gaussian_smoothing(const bk_array* input, const bk_array* output, const double* sigma,
                              int32_t mode, double cval, double truncate, int32_t threads);

#ifdef __cplusplus
}
#endif

#endif /* BIOIMAGE_H */
