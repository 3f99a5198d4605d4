"""The GIL is released while a kernel runs: a Python thread keeps running while another thread is inside the
library (ctypes.CDLL releases the GIL around foreign calls; ctypes.PyDLL would not), and calls from several threads
at once each get their own, correct result."""
import threading
import time

import numpy as np

import bioimage_kernels as bk


def test_a_kernel_in_one_thread_does_not_block_another_python_thread():
    rng = np.random.default_rng(0)
    heights = rng.random((96, 96, 96)).astype(np.float64)  # float64 with random seeds: the slower heap-free path
    markers = np.zeros(heights.shape, np.uint32)
    markers.flat[rng.choice(markers.size, 50, replace=False)] = np.arange(1, 51)
    calls, finished = [], threading.Event()

    def kernel():
        start = time.perf_counter()
        while time.perf_counter() - start < 0.6:  # repeat short calls for at least 0.6 s of library time
            t0 = time.perf_counter()
            bk.watershed(heights, markers, threads=1)
            calls.append((t0, time.perf_counter()))
        finished.set()

    worker = threading.Thread(target=kernel)
    ticks = []
    worker.start()
    while not finished.is_set():
        ticks.append(time.perf_counter())
        sum(range(200))  # pure Python work: needs the GIL
    worker.join()
    longest_call = max(end - start for start, end in calls)
    assert longest_call > 0.02, f"the kernel call took only {longest_call:.4f} s; too short to tell"
    # Ticks of this thread that happened while the other thread was inside a library call.
    inside = [t for t in ticks if any(start < t < end for start, end in calls)]
    # Holding the GIL, the other thread could tick only in the wrapper's Python code, at most once per switch
    # interval (5 ms) of it: about once per call. Released, it ticks every few microseconds of the call.
    assert len(inside) > 100 * len(calls), f"only {len(inside)} ticks during {len(calls)} library calls: the GIL was held"


def test_calls_from_several_threads_at_once_give_each_its_own_result():
    import scipy.ndimage as ndi
    from concurrent.futures import ThreadPoolExecutor
    rng = np.random.default_rng(1)
    images = [rng.random((40, 48, 56)) < p for p in (0.3, 0.5, 0.7, 0.9)]

    def work(image):
        labels, count = bk.label(image, connectivity=2, threads=1)
        return labels, count, bk.distance_transform(image, threads=1), bk.unique(labels, return_counts=True)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, images * 2))
    for image, (labels, count, distances, (values, counts)) in zip(images * 2, results):
        expected, n = ndi.label(image, ndi.generate_binary_structure(3, 2))
        assert count == n
        np.testing.assert_array_equal(labels, expected)
        np.testing.assert_allclose(distances, ndi.distance_transform_edt(image), rtol=1e-12)
        np.testing.assert_array_equal(counts, np.bincount(expected.ravel()))
