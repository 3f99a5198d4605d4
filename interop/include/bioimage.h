/*
 * bioimage.h — the C ABI of libbioimage (BioImage.Kernels compiled with NativeAOT).
 *
 * Conventions (every function):
 *   - Arrays are described by bk_array: the address of element [0,...,0], a dtype code, ndim, int64 shape and
 *     int64 strides counted in ELEMENTS (not bytes). Strides may be negative (reversed views) or arbitrary
 *     (Fortran order, slices); the library copies into scratch only when a kernel needs C-contiguous rows or
 *     another element type.
 *   - Outputs are allocated by the caller, with the shape and dtype each function documents. Unless a function
 *     says otherwise, an output may be the input itself or overlap it (the input is then copied first).
 *   - threads: 0 = all cores, n > 0 = at most n threads (from the library's own thread pool); no work outlives a call.
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

/* Pooling methods (bk_downscale). */
#define BK_POOL_MEAN 0 /* integers: floor(sum / count); floating point: sum in input order / count */
#define BK_POOL_MAX 1  /* NaN propagates */
#define BK_POOL_MIN 2  /* NaN propagates */
#define BK_POOL_MODE 3 /* most frequent value, ties to the smallest: label-safe */

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

/*
 * The highest x86-64 level the CPUID instruction reports: 2, 3 or 4 (1 below v2). Any build runs it on a v2 CPU, so
 * a loader may ask libbioimage_v2.so before loading a higher build (tools like valgrind hide AVX-512 from CPUID but
 * not from /proc/cpuinfo).
 */
int32_t bk_cpu_level(void);

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

/* scipy.ndimage.gaussian_gradient_magnitude(input, sigma, ...); sigma > 0 on every axis. */
int32_t bk_gaussian_gradient_magnitude(const bk_array* input, const bk_array* output, const double* sigma,
                                       int32_t mode, double cval, double truncate, int32_t threads);

/* scipy.ndimage.gaussian_laplace(input, sigma, ...); sigma > 0 on every axis. */
int32_t bk_laplacian_of_gaussian(const bk_array* input, const bk_array* output, const double* sigma,
                                 int32_t mode, double cval, double truncate, int32_t threads);

/*
 * Eigenvalues of the Hessian of Gaussian (second Gaussian derivatives at sigma, > 0 on every axis), largest first.
 * output: channel-first, shape (ndim, *input shape); output[k] holds the k-th largest eigenvalue.
 */
int32_t bk_hessian_of_gaussian_eigenvalues(const bk_array* input, const bk_array* output, const double* sigma,
                                           int32_t mode, double cval, double truncate, int32_t threads);

/*
 * Eigenvalues of the structure tensor, largest first: the gradient by Gaussian first derivatives at inner_sigma, the
 * products g_a * g_b smoothed at outer_sigma (one value per axis each), then the eigenvalues per voxel.
 * output: channel-first, shape (ndim, *input shape).
 */
int32_t bk_structure_tensor_eigenvalues(const bk_array* input, const bk_array* output, const double* inner_sigma,
                                        const double* outer_sigma, int32_t mode, double cval, double truncate,
                                        int32_t threads);

/*
 * Difference of Gaussians: smoothing at low_sigma minus smoothing at high_sigma (high_sigma >= low_sigma per axis),
 * as skimage.filters.difference_of_gaussians without its rescaling of integer images to [0, 1].
 */
int32_t bk_difference_of_gaussians(const bk_array* input, const bk_array* output, const double* low_sigma,
                                   const double* high_sigma, int32_t mode, double cval, double truncate,
                                   int32_t threads);

/* ---- Resampling: 1D to 3D arrays ------------------------------------------------------------------------------ */

/*
 * Resize to output's shape (same ndim): output voxel o samples input coordinate o * (in / out) per axis (bioimage-py's
 * downsample grid: scipy.ndimage.affine_transform(input, diag(in / out), output_shape, order, mode, cval,
 * prefilter=True); not skimage's half-pixel grid). order: spline order 0 to 5. anti_aliasing != 0: first smooth with
 * sigma = max(0, (in / out - 1) / 2) per axis (skimage.transform.resize's sigma, truncate 4, same mode).
 * output dtype: the input's for order 0 without anti-aliasing (exact copies, any dtype); else float32 or float64.
 * mode: BK_MODE_MIRROR is scipy's spline default; BK_MODE_WRAP / BK_MODE_CONSTANT are scipy's grid-wrap / grid-constant.
 */
int32_t bk_resize(const bk_array* input, const bk_array* output, int32_t order, int32_t anti_aliasing,
                  int32_t mode, double cval, int32_t threads);

/*
 * Integer-factor pooling: output[i] reduces input[i*f : (i+1)*f] per axis with method (BK_POOL_*). factors: one per
 * input axis, each >= 1. output: the input's dtype, shape ceil(input shape / factors); edge boxes reduce only the
 * voxels that exist.
 */
int32_t bk_downscale(const bk_array* input, const bk_array* output, const int64_t* factors, int32_t method,
                     int32_t threads);

/* ---- Block-wise verbs on files: the operation layer (bioimage CLI verbs) -------------------------------------
 * A request is one UTF-8 JSON object; the keys are the Python arguments of bioimage_kernels.blockwise:
 *   "verb": "copy" | "filter" | "label" (required; any name with "resume_from"); "input", "input_key", "output",
 *     "output_key": paths and keys (Zarr v2/v3, N5, HDF5, .npy, TIFF, ...);
 *   run: "block_shape": [..], "num_workers": n (default all cores), "job_type": "local" | "subprocess" | "slurm",
 *     "block_ids": [..] (single-pass verbs: re-run these blocks into an existing output), "resume_from": a kept temp
 *     folder (finishes that run; the other keys except "slurm" and "progress" are not used), "mask", "mask_key",
 *     "tmp_root", "slurm": {"partition", "time", "mem", "cpus_per_task", "throttle", "job_name", ...},
 *     "progress": true (lines on stderr);
 *   a new output: "chunks", "shards", "codec" ("zstd:3", "gzip:6", "raw", ...), "zarr_format" (2|3), "overwrite";
 *   copy: "dtype", "threshold", "resize" [..], "order" 0-5, "anti_aliasing"; filter: "filter" (gaussian_smoothing,
 *     gaussian_gradient_magnitude, laplacian_of_gaussian, hessian_of_gaussian_eigenvalues,
 *     structure_tensor_eigenvalues, difference_of_gaussians), "sigma" [..], "outer_scale" [..], "return_channel";
 *   label: "threshold", "connectivity" 1-3, "dtype" ("uint64" | "uint32").
 * Unknown keys and keys a verb does not take are refused. Everything is checked before storage is touched.
 */

/*
 * Runs a block-wise request and stores the answer in *answer: a NUL-terminated UTF-8 JSON object owned by the
 * library (release it with bk_free; NULL when no answer came, e.g. the host could not start). On BK_OK it is
 * {"status": "ok", "report": {...}} (the CLI's --json report); otherwise {"status", "message", "failed_block_ids",
 * "tmp_folder"} and the return value says why: BK_ERR_INVALID_ARGUMENT (refused: nothing was touched),
 * BK_ERR_RUN_FAILED (blocks failed or the run was cancelled: failed_block_ids, and for distributed runs the kept
 * tmp_folder to pass as "resume_from"), BK_ERR_DATA, BK_ERR_IO, BK_ERR_INTERNAL. bk_last_error has the message.
 * host: the block-wise host program shipped beside the library (bioimage_kernels/_native/blockwise/
 * BioImage.Blockwise; it needs the .NET runtime); NULL reads $BIOIMAGE_BLOCKWISE_HOST. The call blocks until the run
 * ends and may be made from several threads at once.
 */
int32_t bk_blockwise_run(const char* request, const char* host, char** answer);

/*
 * Cancels every block-wise run of this process (e.g. on Ctrl-C): each host gets SIGTERM; distributed runs stop their
 * workers or cancel their Slurm jobs and keep their temp folder, and each bk_blockwise_run returns
 * BK_ERR_RUN_FAILED with that folder in its answer. Returns the number of runs signalled. A SIGINT that reaches a
 * host (Ctrl-C in a terminal goes to the whole process group) cancels its run the same way.
 */
int32_t bk_blockwise_cancel(void);

/* Frees a buffer the library returned (NULL is ignored). */
void bk_free(void* buffer);


/* ---- Segmentation: 2D or 3D arrays of any strides ------------------------------------------------------------
 * connectivity: 1..ndim as scipy's generate_binary_structure(ndim, connectivity) (1 = faces only, ndim = faces,
 * edges and corners). Results never depend on threads. Data errors (a label missing from a relabelling, labels that
 * overflow the output type) return BK_ERR_INVALID_ARGUMENT with the offending value in the message.
 */

/*
 * scipy.ndimage.label: the nonzero elements of input (any dtype; NaN is nonzero, -0.0 is not) labelled 1..N in raster
 * order of each component's first element, background 0. output: uint32 or uint64, the input's shape. *count (if
 * not NULL) receives N.
 */
int32_t bk_label(const bk_array* input, const bk_array* output, int32_t connectivity, int32_t threads, int64_t* count);

/*
 * skimage.segmentation.watershed(heights, markers, connectivity, mask, compactness) of scikit-image 0.19, element
 * for element (its plateau tie-breaking included). heights: any dtype (compared as float64). markers: an integer
 * dtype, the heights' shape, 0 = no seed; every seed must fit the output's dtype; may be the output itself.
 * mask: bool of the same shape or NULL; elements outside it (and seeds there) become 0. output: int32, uint32, int64
 * or uint64 of the same shape. compactness: 0 (classic) or > 0 (compact watershed).
 */
int32_t bk_watershed(const bk_array* heights, const bk_array* markers, const bk_array* mask, const bk_array* output,
                     int32_t connectivity, double compactness, int32_t threads);

/*
 * scipy.ndimage.distance_transform_edt(input, sampling, return_distances, return_indices): for every nonzero element
 * of input (any dtype) the Euclidean distance to the nearest zero element, 0 on zeros. distances: float32/float64 of
 * the input's shape, or NULL. indices: int32 of shape (ndim, *shape) receiving the coordinates of that zero element,
 * or NULL (among equidistant ones the choice may differ from scipy's); at least one of the two. Without any zero
 * element every element gets scipy's virtual feature (-1, 0[, 0]). sampling: ndim positive spacings, or NULL for 1.
 */
int32_t bk_distance_transform(const bk_array* input, const bk_array* distances, const bk_array* indices,
                              const double* sampling, int32_t threads);

/* ---- Label images: results of data-dependent size come in library-owned buffers -----------------------------
 * On BK_OK every buffer pointer asked for is set (never NULL, also for 0 items); copy the items, then release each
 * buffer with bk_free (above). On failure nothing is allocated.
 */

/*
 * numpy.unique(input, return_counts=True) of a bool or integer array: *count distinct values in increasing order into
 * *values (the input's dtype; bool as one byte 0/1) and, when counts is not NULL, their int64 counts into *counts.
 */
int32_t bk_unique(const bk_array* input, void** values, int64_t** counts, int64_t* count, int32_t threads);

/*
 * output = mapping[input] for the mapping keys[i] -> values[i] (bioimage-py's relabel with a dict; np.take(table,
 * input) with keys 0..n-1). input: integer. keys: 1D, distinct, the input's dtype. values: 1D, as many, the output's
 * dtype. output: integer, the input's shape; may be the input itself (in place). Every label present must be a key.
 */
int32_t bk_relabel(const bk_array* input, const bk_array* keys, const bk_array* values, const bk_array* output,
                   int32_t threads);

/* Int64 columns per row of bk_morphology's table. */
#define BK_MORPHOLOGY_COLUMNS 11

/*
 * bioimage-py's morphology table of an integer label image: *count rows of BK_MORPHOLOGY_COLUMNS int64, one per
 * nonzero label in increasing order of the label's own dtype: label (its uint64 bit pattern), voxel count, coordinate
 * sums (z, y, x), bounding-box start (z, y, x; inclusive), bounding-box end (z, y, x; exclusive). Centres of mass are
 * sum / count. A 2D input is one plane: its z columns are 0, 0 and 1.
 */
int32_t bk_morphology(const bk_array* labels, int64_t** table, int64_t* count, int32_t threads);

/* Doubles per row of bk_region_shapes' shape table. */
#define BK_REGION_SHAPE_COLUMNS 3

/*
 * bioimage-py's regionprops shape features: bk_morphology's *table and, row for row, BK_REGION_SHAPE_COLUMNS doubles
 * per object in *shapes: the major and minor axis lengths of its inertia-equivalent ellipsoid (skimage's
 * axis_major_length / axis_minor_length, in units of spacing) and, when surface is nonzero (3D only), its surface
 * area (Lewiner marching cubes of the object padded by one voxel, level 0.5; NaN when not asked). spacing: ndim
 * positive voxel sizes or NULL for 1. Objects are measured in parallel on their bounding-box crops.
 */
int32_t bk_region_shapes(const bk_array* labels, const double* spacing, int32_t surface, int64_t** table,
                         double** shapes, int64_t* count, int32_t threads);

/*
 * bioimage-py's contingency_table(seg, gt): the *pairs (a, b) of labels found at the same element of two integer
 * arrays of one shape, sorted by (a, b), with their counts; labels as uint64 bit patterns (numpy's astype(uint64)),
 * background kept.
 */
int32_t bk_contingency_table(const bk_array* seg, const bk_array* gt, uint64_t** seg_labels, uint64_t** gt_labels,
                             int64_t** counts, int64_t* pairs, int32_t threads);

#ifdef __cplusplus
}
#endif

#endif /* BIOIMAGE_H */
