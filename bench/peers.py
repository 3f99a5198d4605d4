#!/usr/bin/env python3
"""The peers of the throughput harness, run by bench/compare.py (never by hand).

For every op of bench/BioImage.Throughput (same name, see its Ops/OpRegistry.cs) the numpy / scipy /
scikit-image code a user would write, timed the way ours is: warm-up, then the median of N single runs on the
thread's CPU clock (all these peers are single-threaded), with
output buffers reused wherever the peer's API allows it. Each peer also reports its result in the same form as
ours (numbers, or SHA-256 digests of output arrays) so that compare.py can check that both computed the same.

To add an op: write `prepare_<op>(a, params, path)` returning `(run, result)` — `a` is the input array loaded
from the .npy file `path`, `params` the op's parameters as ours reported them, `run()` does the work once and
`result()` describes the last run's output — and register it in PEERS under the op's name with the peer's label
(the library and the expression, as the table shows it). Import scipy/skimage/vigra inside the function.
An op may have several peers (a tuple in PEERS): each is timed and checked, and gets its own table row.

Output arrays: a result value {"npy": path} (write it with `saved(array, path, name)`) is compared by compare.py
with the peer's `tolerance` (max |ours - peer| <= tolerance * max |peer|; default 1e-4, the float32 filter tolerance
of the issues). A peer whose output cannot be compared element-wise (another sample grid) sets `unchecked` to the
reason; the table marks its row and another peer of the op must check the output. A peer limited to some
element types names them in `dtypes`.

Usage: peers.py PLAN.json SAMPLES WARMUP_SECONDS, where PLAN.json is the output of `BioImage.Throughput measure`;
prints {"versions": {...}, "results": [...]} as JSON.
"""
import hashlib
import json
import os
import statistics
import sys
import time
from collections import namedtuple

import numpy as np

# clock: what a single run of the peer is timed on. The thread's CPU clock unless the peer computes on threads of
# its own (numcodecs' Blosc runs c-blosc's thread pool when called from the main thread): then the process's CPU
# clock, so that all the CPU the peer spends counts, as all of ours does on our single thread.
Peer = namedtuple("Peer", "label prepare tolerance unchecked clock dtypes", defaults=(None, None, time.thread_time, None))


def sha256(data):
    return hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest()


def saved(array, path, name):
    """Writes an output array beside the input (.npy) for compare.py's element-wise check; returns the result value."""
    written = os.path.join(os.path.dirname(path), f"peer-{name}.npy")
    np.save(written, np.ascontiguousarray(array))
    return {"npy": written}


def prepare_minmax(a, params, path):
    last = {}

    def run():
        last["min"], last["max"] = a.min(), a.max()

    return run, lambda: {"min": float(last["min"]), "max": float(last["max"])}


def prepare_moments(a, params, path):
    last = {}

    def run():
        last.update(min=a.min(), max=a.max(), mean=a.mean(), std=a.std())

    return run, lambda: {key: float(value) for key, value in last.items()}


def prepare_dice(a, params, path):
    """bioimage-py's dice_score(a, a, threshold_seg=None, threshold_gt=t): float64 sums of the raw values and a > t."""
    last = {}

    def run():
        seg, gt = a.astype("float64"), (a > params["threshold"]).astype("float64")
        last["dice"] = 2.0 * np.sum(seg * gt) / (np.sum(seg) + np.sum(gt) + 1e-7)

    return run, lambda: {"dice": float(last["dice"])}


def prepare_threshold(a, params, path):
    t = a.dtype.type(params["threshold"])
    mask = np.empty(a.shape, dtype=bool)

    def run():
        np.greater(a, t, out=mask)

    return run, lambda: {"count": int(np.count_nonzero(mask)), "mask_sha256": sha256(mask)}


def prepare_elementwise(a, params, path):
    """numpy's ufunc params["ufunc"] into a reused output, with params["scalar"] or else b = a with its planes in
    reverse order (as ours); isin with params["values"]."""
    ufunc = getattr(np, params["ufunc"])
    bool_result = ufunc in (np.greater, np.greater_equal, np.less, np.less_equal, np.isin)
    out = np.empty(a.shape, dtype=bool if bool_result else a.dtype)
    if ufunc is np.isin:
        values = np.array(params["values"])

        def run():
            out[...] = np.isin(a, values)
    else:
        second = a.dtype.type(params["scalar"]) if "scalar" in params else np.ascontiguousarray(a[::-1])

        def run():
            ufunc(a, second, out=out)

    return run, lambda: {"result_sha256": sha256(out)}


def elementwise_peers():
    """One peer per element-wise op of ours: each ufunc with a scalar (3 for arithmetic, 50 for minimum, maximum and
    the comparisons) and with an array, and isin."""
    peers = {"isin": Peer("numpy m[...] = np.isin(a, values)", prepare_elementwise)}
    for ufunc in ("add", "subtract", "multiply", "divide", "minimum", "maximum",
                  "greater", "greater_equal", "less", "less_equal"):
        name = ufunc.replace("_", "-")
        out = "m" if ufunc.startswith(("greater", "less")) else "o"
        scalar = 3 if ufunc in ("add", "subtract", "multiply", "divide") else 50
        peers[f"{name}-scalar"] = Peer(f"numpy np.{ufunc}(a, {scalar}, out={out})", prepare_elementwise)
        peers[name] = Peer(f"numpy np.{ufunc}(a, b, out={out})", prepare_elementwise)
    return peers


def prepare_label(a, params, path):
    import scipy.ndimage as ndi
    mask = a > a.dtype.type(params["threshold"])
    structure = ndi.generate_binary_structure(a.ndim, params["connectivity"])
    labels = np.empty(a.shape, dtype=np.int32)
    last = {}

    def run():
        last["count"] = ndi.label(mask, structure, output=labels)

    return run, lambda: {"count": int(last["count"]), "labels_sha256": sha256(labels.astype(np.uint32))}


def prepare_edt(a, params, path):
    import scipy.ndimage as ndi
    mask = a > a.dtype.type(params["threshold"])
    last = {}

    def run():
        last["d"] = ndi.distance_transform_edt(mask)

    return run, lambda: {"sum": float(last["d"].sum()), "max": float(last["d"].max())}


def prepare_edt_vigra(a, params, path):
    import vigra
    mask = (a > a.dtype.type(params["threshold"])).astype(np.float32)
    out = np.empty(a.shape, dtype=np.float32)
    last = {}

    def run():
        last["d"] = vigra.filters.distanceTransform(mask, background=False, out=out)

    return run, lambda: {"sum": float(last["d"].sum(dtype=np.float64)), "max": float(last["d"].max())}


def watershed_input(a, params):
    """The heights and seeds of the watershed op (bench/BioImage.Throughput/Ops/WatershedOp.cs): a seed every
    `seed_spacing` voxels per axis from spacing/2, labelled 1, 2, … in raster order; on signed types the seeds'
    heights become −label (no ties between seeds)."""
    spacing = params["seed_spacing"]
    seeds = np.zeros(a.shape, dtype=np.uint32)
    grid = seeds[tuple(slice(spacing // 2, None, spacing) for _ in a.shape)]
    grid[...] = np.arange(1, grid.size + 1, dtype=np.uint32).reshape(grid.shape)
    heights = a.copy()
    if np.issubdtype(a.dtype, np.signedinteger) or np.issubdtype(a.dtype, np.floating):
        heights[seeds > 0] = -seeds[seeds > 0].astype(a.dtype)
    return heights, seeds


def prepare_watershed_skimage(a, params, path):
    from skimage.segmentation import watershed
    heights, seeds = watershed_input(a, params)
    last = {}

    def run():
        last["labels"] = watershed(heights, seeds, connectivity=params["connectivity"])

    return run, lambda: {"labels_sha256": sha256(last["labels"].astype(np.uint32))}


def prepare_watershed_vigra(a, params, path):
    import vigra
    heights, seeds = watershed_input(a, params)
    neighbourhood = {1: 6, 3: 26}[params["connectivity"]]
    labels = np.empty(a.shape, dtype=np.uint32)

    def run():
        np.copyto(labels, seeds)
        vigra.analysis.watershedsNew(heights, neighborhood=neighbourhood, seeds=labels, method="RegionGrowing", out=labels)

    return run, lambda: {"labels_sha256": sha256(labels)}


def label_image(a, params):
    """The benchmark's uint32 labels: the 6-connected components of a > t times the spacing (as ours makes them)."""
    import scipy.ndimage as ndi
    labels, _ = ndi.label(a > a.dtype.type(params["threshold"]))
    return labels.astype(np.uint32) * np.uint32(params["spacing"])


def prepare_relabel_vigra(a, params, path):
    import vigra
    # Axis tags, so that vigra scans in numpy's C order (untagged, it scans axis 0 fastest and numbers differently).
    labels = vigra.taggedView(label_image(a, params), "zyx")
    out = vigra.taggedView(np.empty(labels.shape, np.uint32), "zyx")
    last = {}

    def run():
        last["max"] = vigra.analysis.relabelConsecutive(labels, start_label=1, keep_zeros=True, out=out)[1]

    return run, lambda: {"max_label": int(last["max"]), "labels_sha256": sha256(np.asarray(out))}


def prepare_relabel_skimage(a, params, path):
    from skimage.segmentation import relabel_sequential
    labels = label_image(a, params)
    last = {}

    def run():
        last["out"] = relabel_sequential(labels)[0]

    return run, lambda: {"max_label": int(last["out"].max()), "labels_sha256": sha256(last["out"].astype(np.uint32))}


def prepare_unique(a, params, path):
    labels = label_image(a, params)
    last = {}

    def run():
        last["values"], last["counts"] = np.unique(labels, return_counts=True)

    return run, lambda: {"count": int(last["values"].size), "values_sha256": sha256(last["values"].astype(np.uint32)),
                         "counts_sha256": sha256(last["counts"].astype(np.int64))}


def grid_labels(a, params):
    """The morphology benchmark's uint32 labels: cells of a cubic grid (params["cell"]) intersected with a > t."""
    c = params["cell"]
    z, y, x = np.ogrid[:a.shape[0], :a.shape[1], :a.shape[2]]
    cells_y, cells_x = -(-a.shape[1] // c), -(-a.shape[2] // c)
    ids = ((z // c * cells_y + y // c) * cells_x + x // c + 1).astype(np.uint32)
    return np.where(a > a.dtype.type(params["threshold"]), ids, np.uint32(0))


def morphology_result(label, size, com, bb_min, bb_max):
    """What ours reports: object count, sizes and [min, max) boxes of the present labels in label order, Σ centres."""
    boxes = np.concatenate([bb_min, bb_max], axis=1).astype(np.int64)
    return {"objects": int(label.size), "sizes_sha256": sha256(size.astype(np.int64)), "bbox_sha256": sha256(boxes),
            "com_sum": float(com.sum())}


def evaluation_labels(a, params):
    """The evaluation benchmarks' (seg, gt): gt = grid_labels; seg = the same grid shifted by a third of a cell on every
    axis, each cell split in two along x, without background (as bench/BioImage.Throughput/Ops/EvaluationOps.cs)."""
    c, s = params["cell"], params["cell"] // 3
    z, y, x = np.ogrid[:a.shape[0], :a.shape[1], :a.shape[2]]
    cells_y, cells_x = -(-(a.shape[1] + s) // c), -(-(a.shape[2] + s) // c)
    shifted = (((z + s) // c * cells_y + (y + s) // c) * cells_x + (x + s) // c + 1).astype(np.uint32)
    seg = shifted * np.uint32(2) + ((x + s) % c >= c // 2).astype(np.uint32)
    return np.ascontiguousarray(seg), grid_labels(a, params)


def prepare_contingency_skimage(a, params, path):
    from skimage.metrics import contingency_table
    seg, gt = evaluation_labels(a, params)
    last = {}

    def run():
        last["t"] = contingency_table(gt, seg)

    def result():
        t = last["t"].tocoo()
        # Ours is sorted by (seg, gt): skimage's rows are gt, its columns seg.
        order = np.lexsort((t.row, t.col))
        return {"pairs": int(t.nnz), "seg_sha256": sha256(t.col[order].astype(np.uint64)),
                "gt_sha256": sha256(t.row[order].astype(np.uint64)), "counts_sha256": sha256(t.data[order].astype(np.int64))}

    return run, result


def prepare_vi_skimage(a, params, path):
    from skimage.metrics import variation_of_information
    seg, gt = evaluation_labels(a, params)
    last = {}

    def run():
        last["vi"] = variation_of_information(gt, seg)

    # skimage returns (H(image1 | image0), H(image0 | image1)) = (H(seg | gt), H(gt | seg)) = (split, merge).
    return run, lambda: {"split": float(last["vi"][0]), "merge": float(last["vi"][1])}


def prepare_are_skimage(a, params, path):
    from skimage.metrics import adapted_rand_error
    seg, gt = evaluation_labels(a, params)
    last = {}

    def run():
        last["are"] = adapted_rand_error(gt, seg)[0]

    return run, lambda: {"are": float(last["are"])}


def prepare_morphology_vigra(a, params, path):
    import vigra
    labels = grid_labels(a, params)
    data = a.astype(np.float32)
    last = {}

    def run():
        last["f"] = vigra.analysis.extractRegionFeatures(data, labels, features=["Count", "RegionCenter", "Coord<Minimum>", "Coord<Maximum>"])

    def result():
        f = last["f"]
        count = np.asarray(f["Count"])
        present = np.flatnonzero(count > 0)
        present = present[present > 0]
        return morphology_result(present, count[present], np.asarray(f["RegionCenter"])[present],
                                 np.asarray(f["Coord<Minimum>"])[present], np.asarray(f["Coord<Maximum>"])[present] + 1)

    return run, result


def prepare_morphology_skimage(a, params, path):
    from skimage.measure import regionprops_table
    labels = grid_labels(a, params)
    last = {}

    def run():
        last["t"] = regionprops_table(labels, properties=("label", "area", "centroid", "bbox"))

    def result():
        t = last["t"]
        com = np.stack([t[f"centroid-{i}"] for i in range(3)], axis=1)
        return morphology_result(t["label"], t["area"], com, np.stack([t[f"bbox-{i}"] for i in range(3)], axis=1),
                                 np.stack([t[f"bbox-{i}"] for i in range(3, 6)], axis=1))

    return run, result


def prepare_copy_region(a, params, path):
    roi = tuple(slice(b, e) for b, e in zip(params["begin"], params["end"]))
    out = np.empty(a[roi].shape, dtype=a.dtype)

    def run():
        np.copyto(out, a[roi])

    return run, lambda: {"region_sha256": sha256(out)}


def prepare_npy_read(a, params, path):
    last = {}

    def run():
        last["array"] = np.load(path)

    return run, lambda: {"array_sha256": sha256(last["array"])}


def prepare_npy_write(a, params, path):
    written = os.path.join(os.path.dirname(path), f"written-by-numpy-{a.dtype.name}.npy")

    def run():
        np.save(written, a)

    def result():
        with open(written, "rb") as f:
            f.seek(-a.nbytes, os.SEEK_END)
            digest = hashlib.sha256(f.read()).hexdigest()
        os.remove(written)
        return {"data_sha256": digest}

    return run, result


# Filters (bench/BioImage.Throughput/Ops/FilterOps.cs): float32, σ = params["sigma"], mirror border. vigra's window_size=4
# gives scipy's radius int(4σ + 0.5); its smoothing then equals scipy's exactly, but vigra normalizes its derivative
# kernels (first order: Σ x·k = -1; second order: zero sum and Σ x²/2·k = 1), scipy and ours do not: at σ = 2 the
# outputs differ by up to 4e-3 of their largest magnitude (Hessian), so the vigra rows of derivative filters are checked
# to VIGRA_DERIVATIVE_TOLERANCE and the scipy rows (our semantics) to the 1e-4.
VIGRA_WINDOW = 4.0
VIGRA_DERIVATIVE_TOLERANCE = 1e-2


def vigra_filter(name, *scales, channels=1):
    """vigra.filters.NAME(a, σ, *scales, window_size=4) into a reused output (eigenvalues channel-last, moved first)."""

    def prepare(a, params, path):
        import vigra
        function = getattr(vigra.filters, name)
        out = np.empty(a.shape + ((channels,) if channels > 1 else ()), dtype=np.float32)
        extra = [params[scale] for scale in scales]

        def run():
            function(a, params["sigma"], *extra, out=out, window_size=VIGRA_WINDOW)

        return run, lambda: {"output": saved(np.moveaxis(out, -1, 0) if channels > 1 else out, path, f"vigra-{name}")}

    return prepare


def prepare_vigra_dog(a, params, path):
    import vigra
    low, high = np.empty_like(a), np.empty_like(a)

    def run():
        vigra.filters.gaussianSmoothing(a, params["sigma"], out=low, window_size=VIGRA_WINDOW)
        vigra.filters.gaussianSmoothing(a, params["high_sigma"], out=high, window_size=VIGRA_WINDOW)
        np.subtract(low, high, out=low)

    return run, lambda: {"output": saved(low, path, "vigra-dog")}


def scipy_filter(name):
    """scipy.ndimage.NAME(a, σ, mode, output=reused)."""

    def prepare(a, params, path):
        import scipy.ndimage as ndi
        function = getattr(ndi, name)
        out = np.empty_like(a)

        def run():
            function(a, params["sigma"], mode=params["mode"], output=out)

        return run, lambda: {"output": saved(out, path, f"scipy-{name}")}

    return prepare


def eigenvalues(tensor):
    """The eigenvalues of a field of symmetric matrices (..., 3, 3) by numpy.linalg.eigvalsh, largest first,
    channel-first (also bench/pipeline.py's)."""
    return np.moveaxis(np.linalg.eigvalsh(tensor)[..., ::-1], -1, 0)


def scipy_eigenvalues(tensor):
    """The scipy user's eigenvalue filter: tensor components by scipy.ndimage.gaussian_filter, then eigenvalues()."""

    def prepare(a, params, path):
        last = {}

        def run():
            last["e"] = eigenvalues(tensor(a, params))

        return run, lambda: {"output": saved(last["e"], path, f"scipy-{tensor.__name__}")}

    return prepare


def hessian(a, params):
    import itertools
    import scipy.ndimage as ndi
    h = np.empty(a.shape + (3, 3), dtype=np.float32)
    for i, j in itertools.combinations_with_replacement(range(3), 2):
        order = [0, 0, 0]
        order[i] += 1
        order[j] += 1
        h[..., i, j] = h[..., j, i] = ndi.gaussian_filter(a, params["sigma"], order=order, mode=params["mode"])
    return h


def structure_tensor(a, params):
    import itertools
    import scipy.ndimage as ndi
    gradient = [ndi.gaussian_filter(a, params["sigma"], order=[int(k == i) for k in range(3)], mode=params["mode"]) for i in range(3)]
    t = np.empty(a.shape + (3, 3), dtype=np.float32)
    for i, j in itertools.combinations_with_replacement(range(3), 2):
        t[..., i, j] = t[..., j, i] = ndi.gaussian_filter(gradient[i] * gradient[j], params["outer_sigma"], mode=params["mode"])
    return t


def prepare_skimage_dog(a, params, path):
    import skimage.filters
    last = {}

    def run():
        last["d"] = skimage.filters.difference_of_gaussians(a, params["sigma"], params["high_sigma"], mode=params["mode"])

    return run, lambda: {"output": saved(last["d"], path, "skimage-dog")}


def prepare_local_maxima(a, params, path):
    from skimage.feature import peak_local_max
    last = {}

    def run():
        last["peaks"] = peak_local_max(a, min_distance=params["min_distance"], threshold_abs=params["threshold_abs"])

    def result():
        peaks = np.array(sorted(map(tuple, last["peaks"].tolist())), dtype=np.int64).reshape(-1, 3)
        return {"count": len(peaks), "sorted_coordinates_sha256": sha256(peaks)}

    return run, result


# Resampling (bench/BioImage.Throughput/Ops/ResampleOps.cs).
def prepare_scipy_downsample(a, params, path):
    """Our sample grid o·in/out with scipy: with anti-aliasing skimage.transform.resize's pipeline (gaussian_filter with
    its σ), then zoom-shift (affine_transform with the diagonal as a 1-D matrix, whose pre-0.18 meaning scipy warns
    about: silenced; it applies the spline prefilter for order > 1)."""
    import warnings
    import scipy.ndimage as ndi
    warnings.filterwarnings("ignore", "The behavior of affine_transform with a 1-D array", UserWarning)
    factors = np.array(a.shape) / np.array(params["output_shape"])
    sigma = np.maximum(0, (factors - 1) / 2)
    smoothed = np.empty_like(a)
    out = np.empty(params["output_shape"], dtype=a.dtype)

    def run():
        if params["anti_aliasing"]:
            ndi.gaussian_filter(a, sigma, mode=params["mode"], output=smoothed)
        ndi.affine_transform(smoothed if params["anti_aliasing"] else a, factors, output_shape=out.shape,
                             order=params["order"], mode=params["mode"], output=out)

    return run, lambda: {"output": saved(out, path, f"scipy-downsample-order{params['order']}")}


def prepare_byte_shuffle(a, params, path):
    from numcodecs.shuffle import Shuffle
    codec = Shuffle(elementsize=a.itemsize)
    last = {}

    def run():
        last["s"] = codec.encode(a)

    return run, lambda: {"shuffled_sha256": sha256(last["s"])}


def prepare_skimage_resize(a, params, path):
    import skimage.transform

    def run():
        skimage.transform.resize(a, params["output_shape"], order=params["order"], anti_aliasing=True)

    return run, dict


def blocks_of_two(a, params):
    """The 2×2×2 blocks of a[:ez, :ey, :ex] as axes 1, 3 and 5 (a view)."""
    ez, ey, ex = params["extent"]
    return a[:ez, :ey, :ex].reshape(ez // 2, 2, ey // 2, 2, ex // 2, 2)


def prepare_pool_mean(a, params, path):
    last = {}

    def run():
        last["m"] = blocks_of_two(a, params).mean(axis=(1, 3, 5)).astype(a.dtype)

    return run, lambda: {"output": saved(last["m"], path, f"pool-mean-{a.dtype.name}")}


def prepare_pool_max(a, params, path):
    out = np.empty([e // 2 for e in params["extent"]], dtype=a.dtype)

    def run():
        blocks_of_two(a, params).max(axis=(1, 3, 5), out=out)

    return run, lambda: {"output": saved(out, path, f"pool-max-{a.dtype.name}")}


def prepare_pool_mode(a, params, path):
    """Most frequent label per 2×2×2 block, ties to the smallest: sort each block, count equal pairs, first maximum."""
    labels = np.load(os.path.join(os.path.dirname(path), params["labels"]))
    last = {}

    def run():
        blocks = blocks_of_two(labels, params).transpose(0, 2, 4, 1, 3, 5).reshape(*(e // 2 for e in params["extent"]), 8)
        ordered = np.sort(blocks, axis=-1)
        counts = (ordered[..., :, None] == ordered[..., None, :]).sum(axis=-1)
        last["m"] = np.take_along_axis(ordered, counts.argmax(axis=-1)[..., None], axis=-1)[..., 0]

    return run, lambda: {"output": saved(last["m"], path, "pool-mode-uint64")}


def zarr_peer(write, codec_name):
    """zarr-python 2.13 (Debian python3-zarr) with the numcodecs compressor of the same name, Zarr v2, 64³ chunks."""

    def prepare(a, params, path):
        import shutil
        import numcodecs
        import zarr
        compressor = {"raw": lambda: None, "blosc-lz4-shuffle": lambda: numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE),
                      "zstd-1": lambda: numcodecs.Zstd(1), "gzip-1": lambda: numcodecs.GZip(1)}[codec_name]()
        store = os.path.join(os.path.dirname(path), f"zarr-by-python-{codec_name}-{a.dtype.name}.zarr")
        chunks = tuple(min(e, 64) for e in a.shape)

        def create():
            return zarr.open(store, mode="w", shape=a.shape, chunks=chunks, dtype=a.dtype, compressor=compressor)

        create()[...] = a
        out = np.empty_like(a)

        def run():
            if write:
                create()[...] = a
            else:
                zarr.open(store, mode="r").get_basic_selection(Ellipsis, out=out)

        def result():
            digest = sha256(zarr.open(store, mode="r")[...])
            shutil.rmtree(store)
            return {"array_sha256": digest}

        return run, result

    return Peer(f"zarr-python {'z[...] = a' if write else 'z[...]'} ({codec_name})", prepare, clock=time.process_time)


PEERS = {
    "minmax": Peer("numpy a.min(), a.max()", prepare_minmax),
    "moments": Peer("numpy a.min(), .max(), .mean(), .std()", prepare_moments),
    "threshold": Peer("numpy np.greater(a, t, out=m)", prepare_threshold),
    **elementwise_peers(),
    "copy-region": Peer("numpy np.copyto(out, a[roi])", prepare_copy_region),
    "label": Peer("scipy.ndimage.label(a > t)", prepare_label),
    "label-26": Peer("scipy.ndimage.label(a > t, 26-connected)", prepare_label),
    "edt": (Peer("scipy.ndimage.distance_transform_edt(a > t)", prepare_edt),
            Peer("vigra.filters.distanceTransform(a > t)", prepare_edt_vigra)),
    "watershed": (Peer("skimage.segmentation.watershed(h, seeds)", prepare_watershed_skimage),
                  Peer("vigra.analysis.watershedsNew(h, seeds, RegionGrowing)", prepare_watershed_vigra, dtypes=("float32",))),
    "relabel-consecutive": Peer("vigra.analysis.relabelConsecutive(labels)", prepare_relabel_vigra),
    "relabel-sequential": Peer("skimage.segmentation.relabel_sequential(labels)", prepare_relabel_skimage),
    "unique": Peer("numpy.unique(labels, return_counts=True)", prepare_unique),
    **{f"morphology-{n}": (Peer("vigra.analysis.extractRegionFeatures(Count, RegionCenter, Coord<Min/Max>)", prepare_morphology_vigra),
                           Peer("skimage.measure.regionprops_table(label, area, centroid, bbox)", prepare_morphology_skimage))
       for n in ("1k", "100k")},
    **{f"{metric}-{n}": Peer(f"skimage.metrics.{function}(gt, seg)", prepare)
       for n in ("1k", "100k")
       for metric, function, prepare in (("contingency", "contingency_table", prepare_contingency_skimage),
                                         ("vi", "variation_of_information", prepare_vi_skimage),
                                         ("are", "adapted_rand_error", prepare_are_skimage))},
    "dice": Peer("numpy dice_score(a, a, None, t) (bioimage-py's float64 sums)", prepare_dice),
    "npy-read": Peer("numpy np.load", prepare_npy_read),
    "npy-write": Peer("numpy np.save", prepare_npy_write),
    **{f"zarr-{mode}-{codec}": zarr_peer(mode == "write", codec)
       for codec in ("raw", "blosc-lz4-shuffle", "zstd-1", "gzip-1") for mode in ("read", "write")},
    "gaussian-smoothing": (Peer("vigra.filters.gaussianSmoothing", vigra_filter("gaussianSmoothing")),
                           Peer("scipy.ndimage.gaussian_filter", scipy_filter("gaussian_filter"))),
    "gaussian-gradient-magnitude": (
        Peer("vigra.filters.gaussianGradientMagnitude", vigra_filter("gaussianGradientMagnitude"), VIGRA_DERIVATIVE_TOLERANCE),
        Peer("scipy.ndimage.gaussian_gradient_magnitude", scipy_filter("gaussian_gradient_magnitude"))),
    "laplacian-of-gaussian": (
        Peer("vigra.filters.laplacianOfGaussian", vigra_filter("laplacianOfGaussian"), VIGRA_DERIVATIVE_TOLERANCE),
        Peer("scipy.ndimage.gaussian_laplace", scipy_filter("gaussian_laplace"))),
    "hessian-of-gaussian-eigenvalues": (
        Peer("vigra.filters.hessianOfGaussianEigenvalues", vigra_filter("hessianOfGaussianEigenvalues", channels=3), VIGRA_DERIVATIVE_TOLERANCE),
        Peer("scipy.ndimage.gaussian_filter ×6 + numpy eigvalsh", scipy_eigenvalues(hessian))),
    "structure-tensor-eigenvalues": (
        Peer("vigra.filters.structureTensorEigenvalues", vigra_filter("structureTensorEigenvalues", "outer_sigma", channels=3), VIGRA_DERIVATIVE_TOLERANCE),
        Peer("scipy.ndimage.gaussian_filter ×9 + numpy eigvalsh", scipy_eigenvalues(structure_tensor))),
    "difference-of-gaussians": (Peer("vigra gaussianSmoothing ×2, subtract", prepare_vigra_dog),
                                Peer("skimage.filters.difference_of_gaussians", prepare_skimage_dog)),
    "downsample-linear-aa": (
        Peer("skimage.transform.resize(order=1, anti_aliasing=True)", prepare_skimage_resize,
             unchecked="skimage samples pixel centres (o + 0.5)·in/out - 0.5, ours o·in/out (bioimage-py); the scipy row "
                       "runs skimage's pipeline (gaussian_filter with its σ + linear zoom) on our grid and is checked"),
        Peer("scipy.ndimage gaussian_filter + affine_transform", prepare_scipy_downsample)),
    "downsample-cubic": Peer("scipy.ndimage.affine_transform(order=3)", prepare_scipy_downsample),
    "pool-mean": Peer("numpy a.reshape(…).mean(axis=(1, 3, 5))", prepare_pool_mean, 1e-6),
    "pool-max": Peer("numpy a.reshape(…).max(axis=(1, 3, 5))", prepare_pool_max, 0.0),
    "pool-mode": Peer("numpy sort blocks, count equal pairs, argmax", prepare_pool_mode, 0.0),
    "byte-shuffle": Peer("numcodecs Shuffle(elementsize).encode(a)", prepare_byte_shuffle),
    "local-maxima": Peer("skimage.feature.peak_local_max", prepare_local_maxima),
}


def median_seconds(run, samples, warmup_seconds, clock=time.thread_time):
    """Median of single runs after the warm-up, on this thread's CPU clock (CLOCK_THREAD_CPUTIME_ID, as ours times
    its single-threaded runs) or the peer's own clock: time spent waiting for a core on a busy machine does not count."""
    start, runs = time.perf_counter(), 0
    while runs < 2 or time.perf_counter() - start < warmup_seconds:
        run()
        runs += 1
    times = []
    for _ in range(samples):
        t0 = clock()
        run()
        times.append(clock() - t0)
    return statistics.median(times)


def peers_of(case):
    """The peers of the case's op that run on its element type."""
    found = PEERS.get(case["op"])
    if found is None:
        raise SystemExit(f"peers.py: no peer for op '{case['op']}'; add one to PEERS (see the docstring).")
    return [p for p in ((found,) if isinstance(found, Peer) else found) if p.dtypes is None or case["dtype"] in p.dtypes]


def measure(index, case, samples, warmup_seconds, volumes):
    """One result per peer of the case, each naming the case by its index in the plan."""
    path = case["input"]
    if path not in volumes:
        volumes[path] = np.load(path)
    a = volumes[path]
    results = []
    for peer in peers_of(case):
        run, result = peer.prepare(a, case["parameters"], path)
        seconds = median_seconds(run, samples, warmup_seconds, peer.clock)
        print(f"peer {case['op']} {case['dtype']} ({peer.label}): {case['voxels'] / seconds / 1e6:.1f} Mvox/s", file=sys.stderr)
        results.append({"case": index, "op": case["op"], "dtype": case["dtype"], "peer": peer.label, "tolerance": peer.tolerance,
                        "unchecked": peer.unchecked, "megavoxels_per_second": case["voxels"] / seconds / 1e6,
                        "result": result()})
    return results


def versions():
    found = {"python": sys.version.split()[0], "numpy": np.__version__}
    for module in ("scipy", "skimage", "vigra", "zarr", "numcodecs"):
        try:
            imported = __import__(module)
        except ImportError:
            continue
        version = getattr(imported, "__version__", None)
        found[module] = version if isinstance(version, str) else str(getattr(imported, "version", "?"))
    return found


def main():
    plan_path, samples, warmup_seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    with open(plan_path) as f:
        plan = json.load(f)
    volumes = {}
    results = [r for i, case in enumerate(plan["results"]) for r in measure(i, case, samples, warmup_seconds, volumes)]
    json.dump({"versions": versions(), "results": results}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
