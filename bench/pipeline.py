#!/usr/bin/python3
"""End-to-end pipeline benchmark (issue #21): every verb through the CLI, as users run it, beside the Python pipelines.

Run by bench/pipeline.sh (which builds the CLI). For each codec (Zarr v2: raw, blosc-lz4, zstd-1) the seeded inputs are
written once with zarr-python (chunks = min(--chunks, --block-shape)); then for each verb, --samples times and
interleaved, four fresh processes are timed on the wall clock:
  ours    `bioimage VERB ... --workers W --block-shape B --json` (output: Zarr v2, the input's codec and chunks),
  whole   the whole-volume Python pipeline: zarr-python read, scipy/skimage on the whole volume, zarr-python write,
  blocks  the block-wise Python pipeline as bioimage-py runs it: a ThreadPoolExecutor of W workers over the same
          blocks with the same halo, each reading its haloed block with zarr-python, computing and writing its inner
          block (reductions merge the per-block results; label and relabel-consecutive run several passes),
  floor   the verb's I/O floor: `bioimage copy` of the verb's first input into an output of the verb's dtype, codec and
          chunks (downsample: --resize to its output shape; verbs without an output array: a copy of the input).
Start-up is the median wall time of `bioimage --version` (and of a Python process importing the peers' modules);
ours' in-process seconds and passes come from its --json.

Outputs are checked on the first sample: ours must equal the whole-volume Python result (integers exactly, float
arrays to 1e-4 of the largest magnitude, as bench/compare.py, floating reductions to 1e-9 relative), except where the
block-wise semantics of bioimage-py differ from the whole volume: distance-transform is exact where the true distance
is at most the halo and never below it elsewhere; watershed equals the block-wise Python pipeline (skimage per haloed
block); evaluate's adapted Rand error follows bioimage-py's convention (self-pairs counted), checked against the
block-wise pipeline, which computes it from its merged contingency table. The block-wise reductions are checked
against the whole-volume ones too. Any mismatch: exit 1 naming the verb.

    bench/pipeline.py [--verbs copy,label,...] [--codecs raw,blosc-lz4,zstd-1] [--shape 512,512,512] [--workers 2]
                      [--block-shape 128,128,128] [--chunks 64,64,64] [--samples 3] [--json-out FILE] [--workdir DIR]

Internally `pipeline.py --peer SPEC` runs one Python pipeline (SPEC: JSON) and prints its result as JSON.
"""
import argparse
import concurrent.futures
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import namedtuple

import numpy as np

BENCH = os.path.dirname(os.path.abspath(__file__))
BIOIMAGE = os.path.join(os.path.dirname(BENCH), "src/BioImage.Cli/bin/Release/net10.0/bioimage")

# name: (our --codec spec, the numcodecs compressor)
CODECS = {
    "raw": ("raw", lambda: None),
    "blosc-lz4": ("blosc:lz4:5:shuffle", lambda: __import__("numcodecs").Blosc("lz4", 5, __import__("numcodecs").Blosc.SHUFFLE)),
    "zstd-1": ("zstd:1", lambda: __import__("numcodecs").Zstd(1)),
}

SIGMA = 2.0          # every filter's σ
OUTER_SIGMA = 2.0    # structure tensor's outer σ (--outer-scale)
DOG_HIGH = 1.6 * SIGMA   # ours' and skimage's default high σ
HALO = 16            # distance-transform and watershed --halo
FACTOR = 2           # downsample --factor, mean pooling
FILTER_PARAMS = {"sigma": SIGMA, "outer_sigma": OUTER_SIGMA, "mode": "reflect"}  # scipy's defaults, ours' defaults

# inputs: names of the generated arrays; cli: words before the input paths; options: after the output;
# out_dtype: the output array's dtype (None for reductions); out_shape(shape); whole(*arrays) -> array or dict;
# blockwise(ins, out, block, pool) -> None or dict; floor_resize: the floor copies with --resize to out_shape.
Verb = namedtuple("Verb", "inputs cli options out_dtype out_shape whole blockwise check", defaults=(None,))


def radius(sigma):
    """scipy's kernel radius int(truncate·σ + 0.5), truncate 4 (ours: kernels/Filters/GaussianKernel.cs)."""
    return int(4.0 * sigma + 0.5)


# ---------------------------------------------------------------------------------------------------------- blocks

def grid(shape, block):
    """The (begin, end) boxes of a block grid over `shape`, in C order."""
    ranges = [[(b, min(b + s, n)) for b in range(0, n, s)] for n, s in zip(shape, block)]
    return [tuple(zip(*box)) for box in itertools.product(*ranges)]


def box(begin, end):
    return tuple(slice(b, e) for b, e in zip(begin, end))


def haloed_map(fn, halo):
    """Block step of a map verb: read each input over the block plus `halo` (clipped), fn, write the inner block."""

    def run(ins, out, block, pool):
        def step(b):
            begin, end = b
            outer_begin = [max(0, x - halo) for x in begin]
            outer_end = [min(n, x + halo) for x, n in zip(end, ins[0].shape)]
            result = fn(*(z[box(outer_begin, outer_end)] for z in ins))
            inner = box([x - o for x, o in zip(begin, outer_begin)], [x - o for x, o in zip(end, outer_begin)])
            out[(Ellipsis,) + box(begin, end)] = result[(Ellipsis,) + inner]

        list(pool.map(step, grid(ins[0].shape[-3:], block)))

    return run


def reduce_blocks(partial, merge):
    """Block step of a reduction: partial(*block arrays) per block, merge(list of partials) -> result dict."""

    def run(ins, out, block, pool):
        return merge(list(pool.map(lambda b: partial(*(z[box(*b)] for z in ins)), grid(ins[0].shape, block))))

    return run


# ---------------------------------------------------------------------------------------------------------- peers

def filter_verb(name, whole, halo, channels=False):
    shape = (lambda s: (3,) + tuple(s)) if channels else tuple
    options = ["--sigma", str(SIGMA)]
    if name == "structure-tensor-eigenvalues":
        options += ["--outer-scale", str(OUTER_SIGMA)]
    return Verb(["image"], ["filter", name], options, "float32", shape, whole, haloed_map(whole, halo))


def eigenvalue_filter(tensor_name):
    """peers.py's tensor of the whole volume (Gaussian derivatives by scipy), its eigenvalues by numpy eigvalsh in z-slabs
    (pointwise, so the same values; float64 eigvalsh of the whole 512³ tensor would need ~20 GB)."""

    def run(a):
        import peers
        tensor = getattr(peers, tensor_name)(a, FILTER_PARAMS)
        out = np.empty((3,) + a.shape, dtype=np.float32)
        for z in range(0, a.shape[0], 16):
            out[:, z:z + 16] = peers.eigenvalues(tensor[z:z + 16])
        return out

    return run


def ndi_filter(name):
    def run(a):
        import scipy.ndimage as ndi
        return getattr(ndi, name)(a, SIGMA, mode="reflect")

    return run


def difference_of_gaussians(a):
    import skimage.filters
    return skimage.filters.difference_of_gaussians(a, SIGMA, DOG_HIGH, mode="reflect")


def pool_mean(a):
    """Mean of each FACTOR-box (the partial boxes at the far edges: the mean of the voxels they hold)."""
    pad = [(0, -n % FACTOR) for n in a.shape]
    boxes = [n // FACTOR for n in np.add(a.shape, [p[1] for p in pad])]
    split = (boxes[0], FACTOR, boxes[1], FACTOR, boxes[2], FACTOR)
    sums = np.pad(a.astype(np.float64), pad).reshape(split).sum(axis=(1, 3, 5))
    counts = np.pad(np.ones(a.shape), pad).reshape(split).sum(axis=(1, 3, 5))
    return (sums / counts).astype(a.dtype)


def downsample_blocks(ins, out, block, pool):
    """Blocks in output space (as ours): output box [b, e) reads input [b·f, min(e·f, n))."""
    def step(b):
        begin, end = b
        out[box(begin, end)] = pool_mean(ins[0][box([x * FACTOR for x in begin], [x * FACTOR for x in end])])

    list(pool.map(step, grid(out.shape, block)))


def label_whole(a):
    import scipy.ndimage as ndi
    return ndi.label(a)[0].astype(np.uint32)


def label_blocks(ins, out, block, pool):
    """bioimage-py's three passes: label each block (local ids), merge the ids that touch across block faces
    (union-find by scipy.sparse.csgraph), relabel each block to the merged consecutive ids."""
    import scipy.ndimage as ndi
    import scipy.sparse
    import scipy.sparse.csgraph
    src, shape = ins[0], ins[0].shape
    blocks = grid(shape, block)

    def first(b):
        labels, count = ndi.label(src[box(*b)])
        out[box(*b)] = labels.astype(np.uint32)
        return count

    offsets = np.concatenate([[0], np.cumsum(list(pool.map(first, blocks)))]).astype(np.int64)
    index = {b[0]: i for i, b in enumerate(blocks)}

    def faces(i):
        begin, end = blocks[i]
        found = []
        for axis in range(3):
            if begin[axis] == 0:
                continue
            here, there = list(box(begin, end)), list(box(begin, end))
            here[axis], there[axis] = slice(begin[axis], begin[axis] + 1), slice(begin[axis] - 1, begin[axis])
            neighbour = index[tuple(x - (block[axis] if k == axis else 0) for k, x in enumerate(begin))]
            a, b = out[tuple(here)].astype(np.int64), out[tuple(there)].astype(np.int64)
            touching = (a > 0) & (b > 0)
            found.append(np.stack([a[touching] + offsets[i], b[touching] + offsets[neighbour]]))
        return np.concatenate(found, axis=1) if found else np.zeros((2, 0), np.int64)

    pairs = np.concatenate(list(pool.map(faces, range(len(blocks)))), axis=1)
    nodes = int(offsets[-1]) + 1
    graph = scipy.sparse.coo_matrix((np.ones(pairs.shape[1]), (pairs[0], pairs[1])), shape=(nodes, nodes))
    component = scipy.sparse.csgraph.connected_components(graph, directed=False)[1]
    mapping = np.concatenate([[0], np.unique(component[1:], return_inverse=True)[1] + 1]).astype(np.uint32)

    def last(i):
        local = out[box(*blocks[i])].astype(np.int64)
        out[box(*blocks[i])] = np.where(local > 0, mapping[local + offsets[i]], 0)

    list(pool.map(last, range(len(blocks))))


def distance_transform(a):
    import scipy.ndimage as ndi
    return ndi.distance_transform_edt(a).astype(np.float32)


def watershed(heights, seeds):
    import skimage.segmentation
    return skimage.segmentation.watershed(heights, seeds, connectivity=1).astype(np.uint32)


def relabel_whole(labels):
    import skimage.segmentation
    return skimage.segmentation.relabel_sequential(labels)[0].astype(np.uint32)


def relabel_blocks(ins, out, block, pool):
    """Two passes: the distinct values of each block, merged; then each block's values → their rank (0 kept 0)."""
    blocks = grid(ins[0].shape, block)
    values = np.unique(np.concatenate(list(pool.map(lambda b: np.unique(ins[0][box(*b)]), blocks))))
    shift = 0 if values[0] == 0 else 1

    def step(b):
        out[box(*b)] = (np.searchsorted(values, ins[0][box(*b)]) + shift).astype(np.uint32)

    list(pool.map(step, blocks))


def stats_whole(a):
    return {"count": int(a.size), "min": float(a.min()), "max": float(a.max()),
            "mean": float(a.mean(dtype=np.float64)), "std": float(a.std(dtype=np.float64))}


def stats_partial(a):
    mean = a.mean(dtype=np.float64)
    return a.size, float(a.min()), float(a.max()), mean, float(np.sum((a.astype(np.float64) - mean) ** 2))


def stats_merge(parts):
    """Chan et al.'s pairwise merge of (count, mean, M2)."""
    n, mean, m2 = 0, 0.0, 0.0
    for count, _, _, block_mean, block_m2 in parts:
        delta = block_mean - mean
        total = n + count
        mean += delta * count / total
        m2 += block_m2 + delta * delta * n * count / total
        n = total
    return {"count": n, "min": min(p[1] for p in parts), "max": max(p[2] for p in parts), "mean": mean, "std": (m2 / n) ** 0.5}


def unique_whole(a):
    values, counts = np.unique(a, return_counts=True)
    return {"values": values.tolist(), "counts": counts.tolist()}


def merged_counts(parts):
    values, inverse = np.unique(np.concatenate([p[0] for p in parts]), return_inverse=True)
    return values, np.bincount(inverse, weights=np.concatenate([p[1] for p in parts])).astype(np.int64)


def unique_merge(parts):
    values, counts = merged_counts(parts)
    return {"values": values.tolist(), "counts": counts.tolist()}


def evaluate_whole(seg, gt):
    """The skimage user's scores (VI in bits, as skimage and ours; skimage's own adapted Rand error convention)."""
    from skimage.metrics import adapted_rand_error, variation_of_information
    split, merge = variation_of_information(gt, seg)
    return {"viSplit": float(split), "viMerge": float(merge), "skimageAdaptedRandError": float(adapted_rand_error(gt, seg, ignore_labels=())[0])}


def pair_counts(seg, gt):
    """The block's contingency table: (seg << 32 | gt) keys and their counts."""
    return np.unique((seg.astype(np.uint64) << np.uint64(32)) | gt.astype(np.uint64), return_counts=True)


def evaluate_merge(parts):
    """VI (bits) and bioimage-py's adapted Rand error (self-pairs counted) from the merged contingency table."""
    keys, counts = merged_counts(parts)
    seg, gt, c = keys >> np.uint64(32), keys & np.uint64(0xFFFFFFFF), counts.astype(np.float64)
    n = c.sum()
    seg_sizes = np.bincount(np.unique(seg, return_inverse=True)[1], weights=c)
    gt_sizes = np.bincount(np.unique(gt, return_inverse=True)[1], weights=c)
    entropy = lambda p: -np.sum(p * np.log2(p))  # noqa: E731
    joint, h_seg, h_gt = entropy(c / n), entropy(seg_sizes / n), entropy(gt_sizes / n)
    pairs, a, b = np.sum(c * c), np.sum(seg_sizes ** 2), np.sum(gt_sizes ** 2)
    return {"viSplit": joint - h_gt, "viMerge": joint - h_seg, "adaptedRandError": (a + b - 2 * pairs) / (a + b)}


# ---------------------------------------------------------------------------------------------------------- checks

def close_arrays(tolerance):
    def check(ours, whole, blocks):
        if ours.shape != whole.shape:
            return f"shape {ours.shape} != Python's {whole.shape}"
        scale = max(float(np.max(np.abs(whole))), 1e-30)
        worst = float(np.max(np.abs(ours.astype(np.float64) - whole.astype(np.float64)))) / scale
        return f"max |ours - Python| = {worst:.3g} of max |Python| > {tolerance}" if worst > tolerance else None

    return check


def equal_arrays(ours, whole, blocks):
    if ours.shape != whole.shape:
        return f"shape {ours.shape} != Python's {whole.shape}"
    differ = int(np.count_nonzero(ours != whole))
    return f"{differ} voxels differ from Python's" if differ else None


def distance_check(ours, whole, blocks):
    """Exact (float tolerance) where the true distance is at most the halo; never below the truth elsewhere."""
    tolerance = 1e-5 * max(float(whole.max()), 1.0)
    near = whole <= HALO
    wrong = int(np.count_nonzero(np.abs(ours[near] - whole[near]) > tolerance)) + int(np.count_nonzero(ours[~near] < whole[~near] - tolerance))
    return f"{wrong} voxels differ from scipy's distance_transform_edt (within the halo, or below it beyond)" if wrong else None


def watershed_check(ours, whole, blocks):
    """Ours against the block-wise skimage pipeline (same blocks and halo); the whole volume differs where basins
    reach beyond the halo, so only the share is reported."""
    differ = int(np.count_nonzero(ours != blocks))
    return f"{differ} voxels differ from skimage's block-wise watershed" if differ else None


def close_numbers(keys, tolerance=1e-9, against="whole"):
    def check(ours, whole, blocks):
        reference = whole if against == "whole" else blocks
        for key in keys:
            if not np.isclose(ours[key], reference[key], rtol=tolerance, atol=tolerance):
                return f"{key} {ours[key]!r} != Python {against}-volume {reference[key]!r}"
        return None

    return check


def all_of(*checks):
    def check(ours, whole, blocks):
        return next((message for c in checks if (message := c(ours, whole, blocks))), None)

    return check


def exact_lists(keys):
    def check(ours, whole, blocks):
        for key in keys:
            if list(map(int, ours[key])) != list(map(int, whole[key])):
                return f"{key} differ from numpy.unique's"
        return None

    return check


FLOAT_TOLERANCE = 1e-4  # of the largest magnitude, as bench/compare.py checks float32 filters

VERBS = {
    "copy": Verb(["image"], ["copy"], [], "float32", tuple, lambda a: a, haloed_map(lambda a: a, 0), equal_arrays),
    **{name: filter_verb(name, whole, halo, channels)._replace(check=close_arrays(FLOAT_TOLERANCE))
       for name, whole, halo, channels in (
           ("gaussian-smoothing", ndi_filter("gaussian_filter"), radius(SIGMA), False),
           ("gaussian-gradient-magnitude", ndi_filter("gaussian_gradient_magnitude"), radius(SIGMA), False),
           ("laplacian-of-gaussian", ndi_filter("gaussian_laplace"), radius(SIGMA), False),
           ("hessian-of-gaussian-eigenvalues", eigenvalue_filter("hessian"), radius(SIGMA), True),
           ("structure-tensor-eigenvalues", eigenvalue_filter("structure_tensor"), radius(SIGMA) + radius(OUTER_SIGMA), True),
           ("difference-of-gaussians", difference_of_gaussians, radius(DOG_HIGH), False))},
    "downsample": Verb(["image"], ["downsample"], ["--factor", str(FACTOR), "--method", "mean"], "float32",
                       lambda s: tuple(-(-n // FACTOR) for n in s), pool_mean, downsample_blocks, close_arrays(1e-6)),
    "stats": Verb(["image"], ["stats"], [], None, None, stats_whole, reduce_blocks(stats_partial, stats_merge),
                  all_of(close_numbers(["count", "min", "max", "mean", "std"]), close_numbers(["mean", "std"], against="blocks"))),
    "unique": Verb(["labels"], ["unique"], ["--counts"], None, None, unique_whole,
                   reduce_blocks(lambda a: np.unique(a, return_counts=True), unique_merge), exact_lists(["values", "counts"])),
    "label": Verb(["binary"], ["label"], ["--dtype", "uint32"], "uint32", tuple, label_whole, label_blocks, equal_arrays),
    "distance-transform": Verb(["binary"], ["distance-transform"], ["--halo", str(HALO)], "float32", tuple, distance_transform,
                               haloed_map(distance_transform, HALO), distance_check),
    "watershed": Verb(["image", "seeds"], ["watershed"], ["--halo", str(HALO), "--dtype", "uint32"], "uint32", tuple, watershed,
                      haloed_map(watershed, HALO), watershed_check),
    "relabel-consecutive": Verb(["labels"], ["relabel-consecutive"], [], "uint32", tuple, relabel_whole, relabel_blocks, equal_arrays),
    "evaluate": Verb(["seg", "labels"], ["evaluate"], ["--metrics", "vi,rand"], None, None, evaluate_whole,
                     reduce_blocks(pair_counts, evaluate_merge),
                     all_of(close_numbers(["viSplit", "viMerge"]), close_numbers(["viSplit", "viMerge"], against="blocks"),
                            close_numbers(["adaptedRandError"], against="blocks"))),
}


# ---------------------------------------------------------------------------------------------------------- peer process

def run_peer(spec):
    """One Python pipeline in this (fresh) process: prints {"seconds": in-process seconds, "result": dict or null}."""
    start = time.perf_counter()
    import zarr
    sys.path.insert(0, BENCH)
    verb = VERBS[spec["verb"]]
    compressor = CODECS[spec["codec"]][1]()
    ins = [zarr.open(path, mode="r") for path in spec["inputs"]]

    def create(shape):
        chunks = tuple(spec["chunks"])
        chunks = (shape[0],) + chunks if len(shape) == 4 else chunks
        return zarr.open(spec["output"], mode="w", shape=shape, chunks=chunks, dtype=verb.out_dtype, compressor=compressor)

    if spec["kind"] == "whole":
        result = verb.whole(*(z[...] for z in ins))
        if verb.out_dtype is not None:
            create(result.shape)[...] = result
            result = None
    else:
        out = create(verb.out_shape(ins[0].shape)) if verb.out_dtype is not None else None
        with concurrent.futures.ThreadPoolExecutor(spec["workers"]) as pool:
            result = verb.blockwise(ins, out, tuple(spec["block"]), pool)
    json.dump({"seconds": time.perf_counter() - start, "result": result}, sys.stdout)


# ---------------------------------------------------------------------------------------------------------- driver

def generate(shape, chunks, codecs, work):
    """The seeded inputs: a float32 image (smoothed noise), a uint8 binary (image > its 70th percentile), uint32
    labels (its components × 3: not consecutive), a second labelling (seg, components of image > 65th percentile) and
    watershed seeds (components of image < 2nd percentile); written once per codec."""
    import scipy.ndimage as ndi
    import zarr
    rng = np.random.default_rng(42)
    image = ndi.gaussian_filter(rng.random(shape, dtype=np.float32), 2.0)
    sample = image[::2, ::2, ::2]
    binary = (image > np.quantile(sample, 0.7)).astype(np.uint8)
    arrays = {"image": image, "binary": binary,
              "labels": ndi.label(binary)[0].astype(np.uint32) * np.uint32(3),
              "seg": ndi.label(image > np.quantile(sample, 0.65))[0].astype(np.uint32),
              "seeds": ndi.label(image < np.quantile(sample, 0.02))[0].astype(np.uint32)}
    paths = {}
    for codec in codecs:
        for name, array in arrays.items():
            path = paths[codec, name] = os.path.join(work, codec, f"{name}.zarr")
            zarr.open(path, mode="w", shape=shape, chunks=chunks, dtype=array.dtype, compressor=CODECS[codec][1]())[...] = array
    return paths


PYTHON_IMPORTS = "import zarr, numcodecs, scipy.ndimage, skimage.segmentation, skimage.metrics"  # the peers' start-up


def timed(command, parse=True):
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pipeline.py: {' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, json.loads(done.stdout) if parse else None


def output_options(codec, chunks, rank):
    channels = [3] if rank == 4 else []
    return ["--codec", CODECS[codec][0], "--zarr-format", "2", "--chunks", ",".join(map(str, channels + list(chunks))), "--overwrite"]


def measure(name, codec, paths, args, work):
    verb = VERBS[name]
    shape, block, chunks = args.shape, args.block_shape, args.chunks
    inputs = [paths[codec, i] for i in verb.inputs]
    folder = os.path.join(work, codec, name)
    os.makedirs(folder, exist_ok=True)
    outputs = {kind: os.path.join(folder, f"{kind}.zarr") for kind in ("ours", "whole", "blocks", "floor")}
    common = ["--workers", str(args.workers), "--block-shape", ",".join(map(str, block)), "--json", "-q"]
    out_shape = verb.out_shape(shape) if verb.out_dtype else shape
    ours = [BIOIMAGE, *verb.cli, *inputs] + ([outputs["ours"]] if verb.out_dtype else []) + verb.options + common
    if verb.out_dtype:
        ours += output_options(codec, chunks, len(out_shape))
    floor = [BIOIMAGE, "copy", inputs[0], outputs["floor"], "--dtype", verb.out_dtype or str(np.dtype(zarr_dtype(inputs[0])))] + common
    floor += output_options(codec, chunks, 3)
    if verb.out_dtype and tuple(out_shape) != tuple(shape) and len(out_shape) == 3:
        floor += ["--resize", ",".join(map(str, out_shape))]

    def peer(kind):
        spec = {"verb": name, "kind": kind, "codec": codec, "inputs": inputs, "output": outputs[kind],
                "chunks": list(chunks), "block": list(block), "workers": args.workers}
        return [sys.executable, os.path.abspath(__file__), "--peer", json.dumps(spec)]

    times = {kind: [] for kind in ("ours", "whole", "blocks", "floor")}
    inside, reports = {kind: [] for kind in ("ours", "whole", "blocks")}, {}
    for sample in range(args.samples):
        for kind, command in (("ours", ours), ("whole", peer("whole")), ("blocks", peer("blocks")), ("floor", floor)):
            seconds, report = timed(command)
            times[kind].append(seconds)
            if kind in inside:
                inside[kind].append(report["seconds"])
            if sample == 0:
                reports[kind] = report
        if sample == 0:
            problem = check(verb, reports, outputs)
            if problem:
                raise SystemExit(f"pipeline.py: {name} ({codec}): {problem}")
    median = {kind: statistics.median(values) for kind, values in times.items()}
    return {"verb": name, "codec": codec, "ours": median["ours"], "ours_in_process": statistics.median(inside["ours"]),
            "python_whole": median["whole"], "python_blocks": median["blocks"], "floor": median["floor"],
            "python_whole_in_process": statistics.median(inside["whole"]), "python_blocks_in_process": statistics.median(inside["blocks"]),
            "passes": reports["ours"]["passes"], "samples": times, "in_process_samples": inside}


def zarr_dtype(path):
    with open(os.path.join(path, ".zarray")) as f:
        return json.load(f)["dtype"]


def check(verb, reports, outputs):
    """The verb's check on ours, the whole-volume and the block-wise results (arrays read back, or result dicts)."""
    if verb.out_dtype is None:
        return verb.check(reports["ours"], reports["whole"]["result"], reports["blocks"]["result"])
    import zarr
    ours, whole, blocks = (zarr.open(outputs[kind], mode="r")[...] for kind in ("ours", "whole", "blocks"))
    return verb.check(ours, whole, blocks)


def table(results, startup):
    lines = [f"start-up (median): `bioimage --version` {startup['bioimage']:.3f} s, "
             f"Python `{PYTHON_IMPORTS}` {startup['python']:.3f} s", "",
             "| verb | codec | ours s | Python whole s | Python blocks s | whole / ours | blocks / ours | floor s | ours / floor "
             "| ours in-process s | start-up + exit s | passes |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['verb']} | {r['codec']} | {r['ours']:.3f} | {r['python_whole']:.3f} | {r['python_blocks']:.3f} "
                     f"| {r['python_whole'] / r['ours']:.2f} | {r['python_blocks'] / r['ours']:.2f} | {r['floor']:.3f} "
                     f"| {r['ours'] / r['floor']:.2f} | {r['ours_in_process']:.3f} | {r['ours'] - r['ours_in_process']:.3f} "
                     f"| {', '.join(r['passes'])} |")
    return "\n".join(lines)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--peer":
        return run_peer(json.loads(sys.argv[2]))
    triple = lambda text: tuple(int(v) for v in text.split(","))  # noqa: E731
    parser = argparse.ArgumentParser(description="End-to-end pipeline benchmark (see the docstring).")
    parser.add_argument("--verbs", default=",".join(VERBS))
    parser.add_argument("--codecs", default=",".join(CODECS))
    parser.add_argument("--shape", type=triple, default=(512, 512, 512))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--block-shape", type=triple, default=(128, 128, 128))
    parser.add_argument("--chunks", type=triple, default=(64, 64, 64))
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--json-out")
    parser.add_argument("--workdir", help="where the inputs and outputs go (default: a temporary folder, deleted after)")
    args = parser.parse_args()
    verbs, codecs = args.verbs.split(","), args.codecs.split(",")
    unknown = [v for v in verbs if v not in VERBS] + [c for c in codecs if c not in CODECS]
    if unknown or len(args.shape) != 3 or len(args.block_shape) != 3:
        parser.error(f"unknown verbs/codecs {unknown} (verbs: {', '.join(VERBS)}; codecs: {', '.join(CODECS)}), "
                     "or --shape/--block-shape without 3 values")
    args.chunks = tuple(min(c, b) for c, b in zip(args.chunks, args.block_shape))
    if any(b % c for b, c in zip(args.block_shape, args.chunks)):
        parser.error("--block-shape must be a multiple of --chunks (the block-wise writes must not share chunks)")
    work = args.workdir or tempfile.mkdtemp(prefix="bioimage-pipeline-")
    try:
        print(f"generating {args.shape} inputs ({', '.join(codecs)}) in {work}", file=sys.stderr, flush=True)
        paths = generate(args.shape, args.chunks, codecs, work)
        startup = {"bioimage": [BIOIMAGE, "--version"], "python": [sys.executable, "-c", PYTHON_IMPORTS]}
        startup = {name: statistics.median(timed(command, parse=False)[0] for _ in range(max(args.samples, 3))) for name, command in startup.items()}
        results = []
        for codec in codecs:
            for name in verbs:
                results.append(measure(name, codec, paths, args, work))
                r = results[-1]
                print(f"{name} {codec}: ours {r['ours']:.3f} s, Python whole {r['python_whole']:.3f} s, blocks {r['python_blocks']:.3f} s, "
                      f"floor {r['floor']:.3f} s", file=sys.stderr, flush=True)
        print(table(results, startup))
        if args.json_out:
            with open(args.json_out, "w") as f:
                json.dump({"shape": args.shape, "block_shape": args.block_shape, "chunks": args.chunks, "workers": args.workers,
                           "samples": args.samples, "startup": startup, "results": results}, f, indent=1)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
