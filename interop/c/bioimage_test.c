/*
 * C test of libbioimage through bioimage.h: the version gate, Gaussian smoothing of a delta (closed form: the
 * product of the normalised 1D kernels), strided and reversed views, resize/downscale on known values, the
 * segmentation family on tiny images with known answers (label, watershed, EDT, unique, relabel, morphology,
 * contingency table; library-owned results freed with bk_free), and the error path (status codes, bk_last_error,
 * thread-local messages) including the block-wise layer's (a missing host, a refused request). Prints
 * "c: <n> checks passed" or the failures.
 * Build: gcc -std=c11 -I interop/include bioimage_test.c -l:libbioimage_v3.so -L <dir> -Wl,-rpath,<dir> -lm -lpthread
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bioimage.h"

static int checks, failures;

#define CHECK(condition, ...)                                  \
    do {                                                       \
        checks++;                                              \
        if (!(condition)) {                                    \
            failures++;                                        \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                      \
            fprintf(stderr, "\n");                             \
        }                                                      \
    } while (0)

/* A C-order descriptor of a 2D array. */
static bk_array array2d(void* data, int32_t dtype, int64_t rows, int64_t columns) {
    bk_array a = {0};
    a.data = data;
    a.dtype = dtype;
    a.ndim = 2;
    a.shape[0] = rows;
    a.shape[1] = columns;
    a.strides[0] = columns;
    a.strides[1] = 1;
    return a;
}

/* scipy's 1D Gaussian kernel weight at offset k: exp(-k^2 / 2 sigma^2) normalised over radius int(4 sigma + 0.5). */
static double kernel_weight(int k, double sigma) {
    int radius = (int)(4.0 * sigma + 0.5);
    double sum = 0;
    for (int i = -radius; i <= radius; i++) sum += exp(-0.5 * i * i / (sigma * sigma));
    return abs(k) > radius ? 0 : exp(-0.5 * k * k / (sigma * sigma)) / sum;
}

static void test_gaussian_delta(void) {
    enum { N = 21 };
    double image[N * N] = {0}, out[N * N];
    image[10 * N + 10] = 1.0;
    bk_array in = array2d(image, BK_DTYPE_FLOAT64, N, N), result = array2d(out, BK_DTYPE_FLOAT64, N, N);
    double sigma[2] = {1.5, 2.0};
    CHECK(bk_gaussian_smoothing(&in, &result, sigma, BK_MODE_REFLECT, 0.0, 4.0, 0) == BK_OK, "smoothing failed");
    double worst = 0;
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
            worst = fmax(worst, fabs(out[y * N + x] - kernel_weight(y - 10, 1.5) * kernel_weight(x - 10, 2.0)));
    CHECK(worst < 1e-15, "delta response differs from the kernel product by %g", worst);

    /* The same through a reversed view of the input (negative strides; element [0,0] is the last in memory) and a
     * transposed (Fortran-order) view of a float32 output. */
    bk_array reversed = in;
    reversed.data = image + N * N - 1;
    reversed.strides[0] = -N;
    reversed.strides[1] = -1;
    float transposed[N * N];
    bk_array fortran = array2d(transposed, BK_DTYPE_FLOAT32, N, N);
    fortran.strides[0] = 1;
    fortran.strides[1] = N;
    CHECK(bk_gaussian_smoothing(&reversed, &fortran, sigma, BK_MODE_REFLECT, 0.0, 4.0, 1) == BK_OK, "strided smoothing failed");
    worst = 0;
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
            worst = fmax(worst, fabs(transposed[x * N + y] - out[(N - 1 - y) * N + (N - 1 - x)]));
    CHECK(worst < 1e-7, "reversed/Fortran views differ by %g", worst);
}

/* scipy's first-derivative kernel -k/sigma^2 * w(k) turns a unit slope into sum k^2 w(k) / sigma^2 (1 up to the
 * truncation of the sampled Gaussian). */
static double slope_gain(double sigma) {
    int radius = (int)(4.0 * sigma + 0.5);
    double gain = 0;
    for (int k = -radius; k <= radius; k++) gain += k * k * kernel_weight(k, sigma);
    return gain / (sigma * sigma);
}

/* Every derivative filter of the linear ramp 2x + 3y, 0 in the middle (mode nearest keeps it linear there): gradient
 * magnitude sqrt(13) g, Laplacian 0, Hessian eigenvalues 0, structure tensor eigenvalues (13 g^2, 0) (the outer
 * smoothing of a constant product), difference of Gaussians 0; g = slope_gain(sigma). */
static void test_filter_family(void) {
    enum { N = 32 };
    float ramp[N * N], out[N * N], channels[2 * N * N];
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) ramp[y * N + x] = (float)(2 * (x - N / 2) + 3 * (y - N / 2));
    bk_array in = array2d(ramp, BK_DTYPE_FLOAT32, N, N), result = array2d(out, BK_DTYPE_FLOAT32, N, N);
    bk_array eigen = {0};
    eigen.data = channels;
    eigen.dtype = BK_DTYPE_FLOAT32;
    eigen.ndim = 3;
    eigen.shape[0] = 2, eigen.shape[1] = N, eigen.shape[2] = N;
    eigen.strides[0] = N * N, eigen.strides[1] = N, eigen.strides[2] = 1;
    double sigma[2] = {2.0, 2.0}, outer[2] = {1.5, 1.5}, high[2] = {3.0, 3.0};
    const int middle = (N / 2) * N + N / 2;

    CHECK(bk_gaussian_gradient_magnitude(&in, &result, sigma, BK_MODE_NEAREST, 0.0, 4.0, 0) == BK_OK, "gradient magnitude failed");
    double gain = slope_gain(2.0);
    CHECK(fabs(out[middle] - sqrt(13.0) * gain) < 1e-5, "gradient magnitude %g, expected %g", out[middle], sqrt(13.0) * gain);
    CHECK(bk_laplacian_of_gaussian(&in, &result, sigma, BK_MODE_NEAREST, 0.0, 4.0, 0) == BK_OK, "LoG failed");
    CHECK(fabs(out[middle]) < 1e-4, "LoG %g, expected 0", out[middle]);
    CHECK(bk_difference_of_gaussians(&in, &result, sigma, high, BK_MODE_NEAREST, 0.0, 4.0, 0) == BK_OK, "DoG failed");
    CHECK(fabs(out[middle]) < 1e-3, "DoG %g, expected 0", out[middle]);
    CHECK(bk_hessian_of_gaussian_eigenvalues(&in, &eigen, sigma, BK_MODE_NEAREST, 0.0, 4.0, 0) == BK_OK, "Hessian failed");
    CHECK(fabs(channels[middle]) < 1e-4 && fabs(channels[N * N + middle]) < 1e-4, "Hessian eigenvalues %g %g", channels[middle], channels[N * N + middle]);
    CHECK(bk_structure_tensor_eigenvalues(&in, &eigen, sigma, outer, BK_MODE_NEAREST, 0.0, 4.0, 0) == BK_OK, "structure tensor failed");
    CHECK(fabs(channels[middle] - 13.0 * gain * gain) < 1e-4 && fabs(channels[N * N + middle]) < 1e-4, "structure tensor eigenvalues %g %g, expected %g 0", channels[middle], channels[N * N + middle], 13.0 * gain * gain);
    CHECK(bk_hessian_of_gaussian_eigenvalues(&in, &result, sigma, BK_MODE_NEAREST, 0.0, 4.0, 0) == BK_ERR_INVALID_ARGUMENT, "Hessian into a (N, N) output accepted");
}

static void test_resampling(void) {
    uint8_t image[16], pooled[4], nearest[8];
    for (int i = 0; i < 16; i++) image[i] = (uint8_t)(i * 3);
    bk_array in = array2d(image, BK_DTYPE_UINT8, 4, 4), out = array2d(pooled, BK_DTYPE_UINT8, 2, 2);
    int64_t factors[2] = {2, 2};
    CHECK(bk_downscale(&in, &out, factors, BK_POOL_MAX, 0) == BK_OK, "downscale failed");
    CHECK(pooled[0] == 15 && pooled[1] == 21 && pooled[2] == 39 && pooled[3] == 45, "max pool: %d %d %d %d", pooled[0], pooled[1], pooled[2], pooled[3]);
    CHECK(bk_downscale(&in, &out, factors, BK_POOL_MEAN, 0) == BK_OK, "mean downscale failed");
    CHECK(pooled[0] == 7 && pooled[3] == 37, "mean pool (floor): %d %d", pooled[0], pooled[3]);  /* (0+3+12+15)/4 = 7.5 */
    bk_array resized = array2d(nearest, BK_DTYPE_UINT8, 2, 4);
    CHECK(bk_resize(&in, &resized, 0, 0, BK_MODE_MIRROR, 0.0, 1) == BK_OK, "resize failed");
    CHECK(nearest[0] == 0 && nearest[3] == 9 && nearest[4] == 24 && nearest[7] == 33, "order-0 resize picks rows 0 and 2");
}

static void test_errors(void) {
    double image[16] = {0}, out[16];
    bk_array in = array2d(image, BK_DTYPE_FLOAT64, 4, 4), result = array2d(out, BK_DTYPE_FLOAT64, 4, 4);
    double negative[2] = {1.0, -1.0};
    CHECK(bk_gaussian_smoothing(&in, &result, negative, BK_MODE_REFLECT, 0.0, 4.0, 0) == BK_ERR_INVALID_ARGUMENT, "negative sigma accepted");
    char message[256];
    size_t length = bk_last_error(message, sizeof message);
    CHECK(length > 0 && length == strlen(message) && strstr(message, "sigma[1]") != NULL, "message: %s", message);
    CHECK(bk_last_error(NULL, 0) == length, "sizing call returns the length");
    char tiny[6];
    CHECK(bk_last_error(tiny, sizeof tiny) == length && strlen(tiny) == 5, "truncated copy is NUL-terminated");

    int32_t labels[16];
    bk_array wrong = array2d(labels, BK_DTYPE_INT32, 4, 4);
    double sigma[2] = {1.0, 1.0};
    CHECK(bk_gaussian_smoothing(&in, &wrong, sigma, BK_MODE_REFLECT, 0.0, 4.0, 0) == BK_ERR_DTYPE, "int32 output accepted");
    bk_last_error(message, sizeof message);
    CHECK(strstr(message, "int32") != NULL && strstr(message, "float32 or float64") != NULL, "message: %s", message);
    CHECK(bk_gaussian_smoothing(NULL, &result, sigma, BK_MODE_REFLECT, 0.0, 4.0, 0) == BK_ERR_INVALID_ARGUMENT, "NULL input accepted");
    CHECK(bk_gaussian_smoothing(&in, &result, sigma, 17, 0.0, 4.0, 0) == BK_ERR_INVALID_ARGUMENT, "mode 17 accepted");
    CHECK(bk_gaussian_smoothing(&in, &result, sigma, BK_MODE_REFLECT, 0.0, 4.0, -3) == BK_ERR_INVALID_ARGUMENT, "threads -3 accepted");
    bk_array small = array2d(out, BK_DTYPE_FLOAT64, 2, 8);
    CHECK(bk_gaussian_smoothing(&in, &small, sigma, BK_MODE_REFLECT, 0.0, 4.0, 0) == BK_ERR_INVALID_ARGUMENT, "shape mismatch accepted");
    bk_array bad = in;
    bad.dtype = 99;
    CHECK(bk_gaussian_smoothing(&bad, &result, sigma, BK_MODE_REFLECT, 0.0, 4.0, 0) == BK_ERR_DTYPE, "dtype 99 accepted");
    int64_t zero[2] = {0, 2};
    bk_array pooled = array2d(out, BK_DTYPE_FLOAT64, 2, 2);
    CHECK(bk_downscale(&in, &pooled, zero, BK_POOL_MEAN, 0) == BK_ERR_INVALID_ARGUMENT, "factor 0 accepted");
}

/* The segmentation family on tiny images with known answers (scipy/skimage semantics), library-owned results. */
static void test_segmentation(void) {
    /* Two blobs that touch only diagonally: 2 components with faces, 1 with faces and corners. */
    uint8_t image[12] = {1, 1, 0, 0,
                         0, 0, 1, 1,
                         0, 0, 0, 1};
    uint32_t labels[12];
    bk_array in = array2d(image, BK_DTYPE_UINT8, 3, 4), out = array2d(labels, BK_DTYPE_UINT32, 3, 4);
    int64_t count = -1;
    CHECK(bk_label(&in, &out, 1, 1, &count) == BK_OK && count == 2 && labels[0] == 1 && labels[6] == 2 && labels[11] == 2 && labels[2] == 0,
          "label, connectivity 1: %lld components", (long long)count);
    CHECK(bk_label(&in, &out, 2, 0, &count) == BK_OK && count == 1 && labels[7] == 1, "label, connectivity 2: %lld components", (long long)count);
    CHECK(bk_label(&in, &out, 3, 0, &count) == BK_ERR_INVALID_ARGUMENT, "connectivity 3 accepted in 2D");

    /* A ridge between two seeds: the left basin reaches the peak first (skimage labels when pushing). */
    double heights[6] = {0, 1, 3, 2, 1, 0};
    int32_t seeds[6] = {1, 0, 0, 0, 0, 2}, basins[6];
    bk_array h = array2d(heights, BK_DTYPE_FLOAT64, 1, 6), m = array2d(seeds, BK_DTYPE_INT32, 1, 6), w = array2d(basins, BK_DTYPE_INT32, 1, 6);
    CHECK(bk_watershed(&h, &m, NULL, &w, 1, 0.0, 0) == BK_OK && basins[2] == 1 && basins[3] == 2 && basins[0] == 1 && basins[5] == 2,
          "watershed: %d %d %d %d %d %d", basins[0], basins[1], basins[2], basins[3], basins[4], basins[5]);

    /* Distances to the nearest zero along a row, with sampling 2 and the nearest zero's column. */
    uint8_t row[5] = {0, 1, 1, 1, 0};
    double distances[5];
    int32_t nearest[10];
    bk_array r = array2d(row, BK_DTYPE_UINT8, 1, 5), d = array2d(distances, BK_DTYPE_FLOAT64, 1, 5);
    bk_array idx = {0};
    idx.data = nearest; idx.dtype = BK_DTYPE_INT32; idx.ndim = 3;
    idx.shape[0] = 2; idx.shape[1] = 1; idx.shape[2] = 5;
    idx.strides[0] = 5; idx.strides[1] = 5; idx.strides[2] = 1;
    double sampling[2] = {1.0, 2.0};
    CHECK(bk_distance_transform(&r, &d, &idx, sampling, 0) == BK_OK && distances[1] == 2.0 && distances[2] == 4.0 && distances[0] == 0.0
          && nearest[5 + 1] == 0 && nearest[5 + 3] == 4, "distance transform: %g %g %g", distances[0], distances[1], distances[2]);
    CHECK(bk_distance_transform(&r, NULL, NULL, NULL, 0) == BK_ERR_INVALID_ARGUMENT, "no output accepted");

    /* unique with counts, then the buffers released with bk_free. */
    uint16_t values[6] = {3, 1, 3, 0, 3, 1};
    bk_array v = array2d(values, BK_DTYPE_UINT16, 2, 3);
    void* distinct = NULL;
    int64_t* counts = NULL;
    CHECK(bk_unique(&v, &distinct, &counts, &count, 0) == BK_OK && count == 3 && ((uint16_t*)distinct)[2] == 3 && counts[0] == 1 && counts[2] == 3,
          "unique: %lld values", (long long)count);
    bk_free(distinct);
    bk_free(counts);

    /* relabel in place through keys -> values; a label without a key is an argument error naming it. */
    uint16_t keys[3] = {0, 1, 3}, targets[3] = {0, 10, 30};
    bk_array k = {0}, t = {0};
    k.data = keys; k.dtype = BK_DTYPE_UINT16; k.ndim = 1; k.shape[0] = 3; k.strides[0] = 1;
    t = k; t.data = targets;
    CHECK(bk_relabel(&v, &k, &t, &v, 0) == BK_OK && values[0] == 30 && values[1] == 10 && values[3] == 0, "relabel: %d %d", values[0], values[1]);
    CHECK(bk_relabel(&v, &k, &t, &v, 0) == BK_ERR_INVALID_ARGUMENT, "missing key 30 accepted");
    char message[256];
    bk_last_error(message, sizeof message);
    CHECK(strstr(message, "30") != NULL, "message: %s", message);

    /* morphology of the connectivity-2 labels above: one object of 5 voxels, box rows [0, 3), columns [0, 4). */
    int64_t* table = NULL;
    CHECK(bk_morphology(&out, &table, &count, 0) == BK_OK && count == 1 && table[1] == 5 && table[6] == 0 && table[9] == 3 && table[10] == 4,
          "morphology: %lld rows", (long long)count);
    bk_free(table);

    /* The contingency table of the image against its labels: pairs (0, 0) x7 and (1, 1) x5. */
    uint64_t *a = NULL, *b = NULL;
    int64_t* frequencies = NULL;
    CHECK(bk_contingency_table(&in, &out, &a, &b, &frequencies, &count, 0) == BK_OK && count == 2 && a[1] == 1 && b[1] == 1
          && frequencies[0] == 7 && frequencies[1] == 5, "contingency table: %lld pairs", (long long)count);
    bk_free(a);
    bk_free(b);
    bk_free(frequencies);
}

static void* fresh_thread(void* unused) {
    (void)unused;
    return (void*)bk_last_error(NULL, 0); /* no call failed on this thread */
}

static void test_errors_are_thread_local(void) {
    pthread_t thread;
    void* length = (void*)1;
    CHECK(bk_last_error(NULL, 0) > 0, "this thread has a failure recorded");
    pthread_create(&thread, NULL, fresh_thread, NULL);
    pthread_join(thread, &length);
    CHECK(length == NULL, "another thread sees no error");
}

/* The block-wise layer's error path: a missing host, no answer pointer, and a request the host refuses (its answer
 * is library-owned JSON, released with bk_free). Run from the repository root, where build.sh put the host. */
static void test_blockwise_errors(void) {
    const char* host = "interop/python/src/bioimage_kernels/_native/blockwise/BioImage.Blockwise";
    const char* request = "{\"verb\": \"copy\", \"input\": \"/nonexistent/in.zarr\", \"output\": \"/nonexistent/out.zarr\"}";
    char* answer = (char*)1;
    char message[512];
    CHECK(bk_blockwise_run(request, "/nonexistent/host", &answer) == BK_ERR_INVALID_ARGUMENT && answer == NULL, "missing host accepted");
    bk_last_error(message, sizeof message);
    CHECK(strstr(message, "/nonexistent/host does not exist") != NULL, "message: %s", message);
    CHECK(bk_blockwise_run(request, host, NULL) == BK_ERR_INVALID_ARGUMENT, "NULL answer pointer accepted");
    CHECK(bk_blockwise_run(request, host, &answer) == BK_ERR_INVALID_ARGUMENT, "a missing input was not refused");
    CHECK(answer != NULL && strstr(answer, "\"status\":\"refused\"") != NULL, "answer: %s", answer ? answer : "(null)");
    bk_last_error(message, sizeof message);
    CHECK(strstr(message, "/nonexistent/in.zarr") != NULL, "message: %s", message);
    bk_free(answer);
    bk_free(NULL);
}

int main(void) {
    CHECK(bk_abi_version() == BK_ABI_VERSION, "ABI version %u, header %d", bk_abi_version(), BK_ABI_VERSION);
    int32_t level = bk_cpu_level();
    CHECK(level >= 2 && level <= 4, "cpu level %d", level);
    test_gaussian_delta();
    test_filter_family();
    test_resampling();
    test_segmentation();
    test_errors();
    test_errors_are_thread_local();
    test_blockwise_errors();
    if (failures) {
        printf("c: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("c: %d checks passed\n", checks);
    return 0;
}
