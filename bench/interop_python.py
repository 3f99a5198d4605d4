#!/usr/bin/env python3
"""The Python binding's benchmark (issue #20): in one Python process, bioimage_kernels against scipy/skimage/numpy per
exported function, and the binding's per-call overhead against the same kernel called from C#.

1. Per op, ``--rounds`` times alternately: runs ``BioImage.Throughput measure`` (bench/BioImage.Throughput, the harness
   of bench/compare.sh) on that op — it writes the seeded sample volume as .npy files and times the kernel from C# on
   one thread (median of the samples, thread CPU clock; JIT without tiering, so fully optimized from the first call,
   as the AOT library is) — and then, in this process, the binding's function on the
   same .npy file with the same derived inputs (peers.py's label, grid and watershed inputs), ``threads=1`` and reused
   outputs where the API allows (peers.median_seconds, thread CPU clock). The best round of each side counts: the
   CPU clock hides waiting for a core but not a neighbour on the same core or cache, so alternating rounds and
   keeping each side's best compare the two under the same (least) load. The binding's result must equal C#'s (the
   harness's digests and counts).
2. Times the peer once (peers.py's scipy/skimage/numpy call; vigra peers are skipped).
3. Prints a markdown table: Mvox/s of the peer, the binding and C#; binding ÷ peer and C# ÷ peer (the speed-ups);
   the overhead = binding seconds ÷ C# seconds − 1 (target ≤ 5 % at 128³); and the binding's fixed cost per call
   (a label call on a 2×2×2 array, wall clock) as a share of the op's time.

Usage: bench/interop_python.py [--shape 128,128,128] [--samples 5] [--rounds 3] [--ops label,edt,...] [--json-out F]
Needs the built library (interop/build.sh) and the .NET SDK; imports the package from interop/python/src unless
bioimage_kernels is installed.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(1, str(ROOT / "interop" / "python" / "src"))

import peers  # noqa: E402  (bench/peers.py: the peer calls and their inputs)
import bioimage_kernels as bk  # noqa: E402


def sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def mask_of(a, params):
    return a > a.dtype.type(params["threshold"])


# Each binding op: prepare(a, params) -> (run, check) where check(csharp_result) -> None or a difference message.
def ours_label(a, params):
    mask, labels, last = mask_of(a, params), np.empty(a.shape, np.uint32), {}

    def run():
        last["n"] = bk.label(mask, params["connectivity"], out=labels, threads=1)[1]

    return run, lambda r: None if (last["n"], sha256(labels)) == (r["count"], r["labels_sha256"]) else "labels differ"


def ours_edt(a, params):
    mask, distances = mask_of(a, params), np.empty(a.shape, np.float64)

    def run():
        bk.distance_transform(mask, distances=distances, threads=1)

    return run, lambda r: None if abs(distances.sum() - r["sum"]) <= 1e-9 * r["sum"] and distances.max() == r["max"] else "distances differ"


def ours_watershed(a, params):
    heights, seeds = peers.watershed_input(a, params)
    labels = np.empty(a.shape, np.uint32)

    def run():
        bk.watershed(heights, seeds, params["connectivity"], out=labels, threads=1)

    return run, lambda r: None if sha256(labels) == r["labels_sha256"] else "labels differ"


def ours_relabel_consecutive(a, params):
    labels = peers.label_image(a, params)
    out, last = np.empty(a.shape, np.uint32), {}

    def run():
        last["max"] = bk.relabel_consecutive(labels, 0, True, out=out, threads=1)[1]

    return run, lambda r: None if (last["max"], sha256(out)) == (r["max_label"], r["labels_sha256"]) else "labels differ"


def ours_relabel_sequential(a, params):
    labels, last = peers.label_image(a, params), {}

    def run():
        last["out"] = bk.relabel_sequential(labels, threads=1)[0]

    # The harness relabels with start 0 and zeros kept (= skimage's offset 1 when 0 is present).
    return run, lambda r: None if sha256(last["out"].astype(np.uint32)) == r["labels_sha256"] else "labels differ"


def ours_unique(a, params):
    labels, last = peers.label_image(a, params), {}

    def run():
        last["values"], last["counts"] = bk.unique(labels, return_counts=True, threads=1)

    return run, lambda r: None if (sha256(last["values"]), sha256(last["counts"])) == (r["values_sha256"], r["counts_sha256"]) else "values differ"


def ours_morphology(a, params):
    labels, last = peers.grid_labels(a, params), {}

    def run():
        last["t"] = bk.morphology(labels, threads=1)

    def check(r):
        t = last["t"]
        com = np.stack([t[f"com_{x}"] for x in "zyx"], axis=1)
        boxes = np.stack([t[f"bb_{m}_{x}"] for m in ("min", "max") for x in "zyx"], axis=1)
        ok = t["label"].size == r["objects"] and sha256(t["size"]) == r["sizes_sha256"] and sha256(boxes) == r["bbox_sha256"]
        return None if ok and abs(com.sum() - r["com_sum"]) <= 1e-9 * abs(r["com_sum"]) else "table differs"

    return run, check


def ours_contingency(a, params):
    seg, gt = peers.evaluation_labels(a, params)
    last = {}

    def run():
        last["t"] = bk.contingency_table(seg, gt, threads=1)

    def check(r):
        t = last["t"]
        ok = (t.counts.size, sha256(t.pairs[:, 0]), sha256(t.pairs[:, 1]), sha256(t.counts)) == (r["pairs"], r["seg_sha256"], r["gt_sha256"], r["counts_sha256"])
        return None if ok else "table differs"

    return run, check


def ours_filter(name):
    """A Gaussian filter of the binding (if it exports it) with the harness's sigma, mirror borders, float32 output."""
    def prepare(a, params):
        function = getattr(bk, name.replace("-", "_"))
        extra = {k: params[k] for k in ("outer_sigma", "high_sigma") if k in params}
        channels = 3 if "eigenvalues" in name else None
        out = np.empty(((channels,) if channels else ()) + a.shape, np.float32)

        def run():
            function(a, params["sigma"], *extra.values(), mode=params["mode"], out=out, threads=1)

        return run, lambda r: None  # element-wise agreement is the filter tests' job (interop/python/tests)

    return prepare


def ours_downsample(a, params):
    """resize on the harness's grid (o · in/out) with its order, anti-aliasing and mode, into a reused float32 output."""
    out = np.empty(params["output_shape"], np.float32)

    def run():
        bk.resize(a, params["output_shape"], order=params["order"], anti_aliasing=params["anti_aliasing"],
                  mode=params["mode"], out=out, threads=1)

    return run, lambda r: None  # element-wise agreement is the resampling tests' job


def ours_pool(method):
    def prepare(a, params):
        ez, ey, ex = params["extent"]
        view, out = a[:ez, :ey, :ex], np.empty((ez // 2, ey // 2, ex // 2), a.dtype)

        def run():
            bk.downscale(view, 2, method=method, out=out, threads=1)

        return run, lambda r: None

    return prepare


OURS = {
    "label": ours_label, "label-26": ours_label, "edt": ours_edt, "watershed": ours_watershed,
    "relabel-consecutive": ours_relabel_consecutive, "relabel-sequential": ours_relabel_sequential,
    "unique": ours_unique, "morphology-1k": ours_morphology, "morphology-100k": ours_morphology,
    "contingency-1k": ours_contingency, "contingency-100k": ours_contingency,
}
FILTERS = ["gaussian-smoothing", "gaussian-gradient-magnitude", "laplacian-of-gaussian", "hessian-of-gaussian-eigenvalues",
           "structure-tensor-eigenvalues", "difference-of-gaussians"]
OURS.update({name: ours_filter(name) for name in FILTERS if hasattr(bk, name.replace("-", "_"))})
if hasattr(bk, "resize"):
    OURS.update({"downsample-linear-aa": ours_downsample, "downsample-cubic": ours_downsample,
                 "pool-mean": ours_pool("mean"), "pool-max": ours_pool("max")})


HARNESS = ROOT / "bench" / "BioImage.Throughput" / "bin" / "Release" / "net10.0" / "BioImage.Throughput.dll"


def csharp_plan(op, shape, samples, warmup_ms):
    """Runs the C# harness on one op; returns its JSON document (the harness is built by main)."""
    command = ["dotnet", str(HARNESS), "measure", "--shape", ",".join(map(str, shape)), "--ops", op,
               "--samples", str(samples), "--warmup-ms", str(warmup_ms), "--bandwidth-mib", "16",
               "--workdir", os.path.join(os.environ.get("TMPDIR", "/tmp"), "bioimage-interop-bench")]
    # Full JIT optimization from the first call: with tiered compilation a 300 ms warm-up still timed tier-0 code of
    # short kernels (label at 48³: 69 Mvox/s, 405 after a 3 s warm-up, 450 untiered), which flattered the binding.
    environment = dict(os.environ, DOTNET_TieredCompilation="0")
    return json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     env=environment).stdout)


def fixed_call_seconds(calls=2000):
    """The binding's cost of one call that does (almost) no work: label of a 2×2×2 array, median wall time."""
    tiny, out = np.zeros((2, 2, 2), bool), np.empty((2, 2, 2), np.uint32)
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        bk.label(tiny, out=out, threads=1)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


# Ops whose only peer in peers.py is vigra (not a Debian package): timed against the peer of an op with the same result.
SAME_RESULT = {"relabel-consecutive": "relabel-sequential"}


def python_peer(op):
    """peers.py's first non-vigra peer of the op (or of the op with the same result)."""
    found = peers.PEERS[op]
    candidates = [p for p in ((found,) if isinstance(found, peers.Peer) else found) if not p.label.startswith("vigra")]
    return candidates[0] if candidates else python_peer(SAME_RESULT[op])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", default="128,128,128")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--warmup-ms", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ops", default=",".join(OURS))
    parser.add_argument("--json-out")
    args = parser.parse_args()
    ops = [op for op in args.ops.split(",") if op]
    unknown = [op for op in ops if op not in OURS]
    if unknown:
        raise SystemExit(f"interop_python.py: no binding op for {', '.join(unknown)}; known: {', '.join(OURS)}")
    subprocess.run(["dotnet", "build", str(ROOT / "bench" / "BioImage.Throughput"), "-c", "Release", "--nologo", "-v", "quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    shape = [int(s) for s in args.shape.split(",")]
    fixed = fixed_call_seconds()
    rows, failures, volumes = [], [], {}
    for op in ops:
        cases, prepared = {}, {}
        for _ in range(args.rounds):
            for case in csharp_plan(op, shape, args.samples, args.warmup_ms)["results"]:
                key = case["dtype"]
                a = volumes.setdefault(case["input"], np.load(case["input"]))
                if key not in prepared:
                    prepared[key] = OURS[op](a, case["parameters"])
                run, check = prepared[key]
                seconds = peers.median_seconds(run, args.samples, args.warmup_ms / 1000)
                csharp = case["voxels"] / (case["megavoxels_per_second"]["1"] * 1e6)
                best = cases.setdefault(key, {"case": case, "ours": seconds, "csharp": csharp})
                best["ours"], best["csharp"] = min(best["ours"], seconds), min(best["csharp"], csharp)
                difference = check(case["result"])
                if difference:
                    failures.append(f"{op} {key}: the binding's result differs from C#'s ({difference})")
        for key, best in cases.items():
            case = best["case"]
            a = volumes[case["input"]]
            peer = python_peer(op)
            peer_run, _ = peer.prepare(a, case["parameters"], case["input"])
            peer_seconds = peers.median_seconds(peer_run, args.samples, args.warmup_ms / 1000, peer.clock)
            rows.append({"op": op, "dtype": key, "peer": peer.label, "voxels": case["voxels"], "peer_seconds": peer_seconds,
                         "binding_seconds": best["ours"], "csharp_seconds": best["csharp"],
                         "overhead": best["ours"] / best["csharp"] - 1})
            print(f"{op} {key}: peer {peer_seconds * 1e3:.1f} ms, binding {best['ours'] * 1e3:.2f} ms, "
                  f"C# {best['csharp'] * 1e3:.2f} ms", file=sys.stderr)
    print(f"shape {args.shape}, 1 thread, median of {args.samples} on the thread CPU clock, best of {args.rounds} alternating "
          f"rounds (binding, C#); bioimage_kernels {bk.isa_level} build; fixed cost of a call {fixed * 1e6:.1f} µs; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| op | dtype | peer | peer Mvox/s | binding Mvox/s | C# Mvox/s | binding ÷ peer | C# ÷ peer | binding vs C# | fixed call cost |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        mvox = lambda seconds: r["voxels"] / seconds / 1e6  # noqa: E731
        print(f"| {r['op']} | {r['dtype']} | {r['peer']} | {mvox(r['peer_seconds']):.1f} | {mvox(r['binding_seconds']):.1f} | "
              f"{mvox(r['csharp_seconds']):.1f} | {r['peer_seconds'] / r['binding_seconds']:.2f} | "
              f"{r['peer_seconds'] / r['csharp_seconds']:.2f} | {100 * r['overhead']:+.1f} % | {100 * fixed / r['binding_seconds']:.2f} % |")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"shape": args.shape, "isa_level": bk.isa_level, "fixed_call_seconds": fixed, "rows": rows}, f, indent=1)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
