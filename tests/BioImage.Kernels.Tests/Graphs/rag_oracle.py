# Oracle for RegionAdjacencyGraphTests: numpy face pairs per axis + np.unique(axis=0), per-edge numpy statistics.
# Called once with the exchange folder; every case <name>_labels.npy / <name>_map.npy gets <name>_edges.npy (E, 2)
# uint64, <name>_sizes.npy, <name>_depth.npy (face pairs along axis 0 of 3D volumes) and <name>_features.npy (E, 12).
import sys, os
import numpy as np

folder = sys.argv[1]
names = sorted(f[:-len("_labels.npy")] for f in os.listdir(folder) if f.endswith("_labels.npy"))
for name in names:
    labels = np.load(f"{folder}/{name}_labels.npy")
    bmap = np.load(f"{folder}/{name}_map.npy")
    pairs, values, along = [], [], []
    for axis in range(labels.ndim):
        first = [slice(None)] * labels.ndim
        second = [slice(None)] * labels.ndim
        first[axis], second[axis] = slice(0, -1), slice(1, None)
        p = labels[tuple(first)].ravel().astype(np.uint64)
        q = labels[tuple(second)].ravel().astype(np.uint64)
        differ = p != q
        bp, bq = bmap[tuple(first)].ravel()[differ], bmap[tuple(second)].ravel()[differ]
        if bmap.dtype == np.float32:
            v = 0.5 * (bp + bq).astype(np.float64)
        else:
            v = 0.5 * (bp.astype(np.float64) + bq.astype(np.float64))
        pairs.append(np.stack([np.minimum(p[differ], q[differ]), np.maximum(p[differ], q[differ])], axis=1))
        values.append(v)
        along.append(np.full(v.size, axis == 0 and labels.ndim == 3))
    pairs, values, along = np.concatenate(pairs), np.concatenate(values), np.concatenate(along)
    edges, inverse, sizes = np.unique(pairs, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    depth = np.bincount(inverse, weights=along, minlength=len(edges)).astype(np.int64)
    order = np.argsort(inverse, kind="stable")
    groups = np.split(values[order], np.cumsum(sizes)[:-1]) if len(edges) else []
    q = [0.05, 0.1, 0.25, 0.75, 0.9, 0.95]
    features = np.array([[g.mean(), np.quantile(g, 0.5), g.std(), g.min(), g.max(), *np.quantile(g, q), g.size] for g in groups]).reshape(-1, 12)
    np.save(f"{folder}/{name}_edges.npy", edges.astype(np.uint64).reshape(-1, 2))
    np.save(f"{folder}/{name}_sizes.npy", sizes.astype(np.int64))
    np.save(f"{folder}/{name}_depth.npy", depth)
    np.save(f"{folder}/{name}_features.npy", np.ascontiguousarray(features, dtype=np.float64))
print(len(names))
