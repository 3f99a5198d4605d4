"""Step-by-step re-implementation of bioimage-py's stitching (analysis.md §3.4-3.5) in numpy, the oracle of
StitchingTests: the overlap rows, the disaffinities and float32 costs, and — on the tiny graphs of the crafted cases —
the multicut by brute force over all set partitions (restricted-growth strings), so that the oracle is exact.

Functions return the problem (edges, costs) and, where asked, the stitched volume for a given node labelling.
"""
import itertools
import numpy as np


def rag_edges(seg):
    """Sorted unique (u, v), u < v, of face-adjacent voxels with different labels; nodes 0..max."""
    pairs = []
    for axis in range(seg.ndim):
        a = np.moveaxis(seg, axis, 0)
        x, y = a[:-1].ravel(), a[1:].ravel()
        keep = x != y
        pairs.append(np.stack([np.minimum(x[keep], y[keep]), np.maximum(x[keep], y[keep])], 1))
    pairs = np.concatenate(pairs) if pairs else np.zeros((0, 2), np.uint64)
    return np.unique(pairs, axis=0).astype(np.uint64) if len(pairs) else np.zeros((0, 2), np.uint64)


def overlap_rows(this, ngb):
    """[a, b, count(a,b)/size(a)] of two equal-shape faces, label 0 included."""
    a, b = this.ravel().astype(np.uint64), ngb.ravel().astype(np.uint64)
    pairs, counts = np.unique(np.stack([a, b], 1), axis=0, return_counts=True)
    sizes = {la: counts[pairs[:, 0] == la].sum() for la in np.unique(pairs[:, 0])}
    return [(int(p[0]), int(p[1]), float(c) / float(sizes[p[0]])) for p, c in zip(pairs, counts)]


def tiles_of(shape, tile):
    grid = [range(0, s, t) for s, t in zip(shape, tile)]
    return [tuple(b) for b in itertools.product(*grid)]


def tiled_rows(seg, tile, overlap):
    """§3.5: per tile and lower neighbour, seg[b:b+ov] vs seg[b-ov:b] on the axis, tile extent elsewhere."""
    rows = []
    for begin in tiles_of(seg.shape, tile):
        end = [min(b + t, s) for b, t, s in zip(begin, tile, seg.shape)]
        for axis in range(seg.ndim):
            if begin[axis] == 0:
                continue
            this = tuple(slice(begin[d], begin[d] + overlap) if d == axis else slice(begin[d], end[d]) for d in range(seg.ndim))
            ngb = tuple(slice(begin[d] - overlap, begin[d]) if d == axis else slice(begin[d], end[d]) for d in range(seg.ndim))
            if seg[this].shape != seg[ngb].shape:
                continue
            rows += overlap_rows(seg[this], seg[ngb])
    return rows


def costs_of(seg, rows, with_background, beta):
    """§3.4 step 5: RAG, disaffinities (0.9, 1 - max frac, 0.99 for node 0), float32 costs (numpy 1.24)."""
    edges = rag_edges(seg)
    index = {(int(u), int(v)): i for i, (u, v) in enumerate(edges)}
    dis = np.full(len(edges), 0.9, dtype=np.float32)
    best = {}
    for a, b, f in rows:
        e = index.get((min(a, b), max(a, b)))
        if e is not None:
            best[e] = max(best.get(e, -1.0), f)
    for e, f in best.items():
        dis[e] = 1.0 - f
    if with_background:
        dis[edges[:, 0] == 0] = 0.99
    p = dis * np.float32(0.998) + np.float32(0.001)
    costs = np.log((1 - p) / p) + np.float32(np.log((1 - beta) / beta))
    return edges, costs.astype(np.float32)


def energy(edges, costs, labels):
    return float(sum(float(c) for (u, v), c in zip(edges, costs) if labels[u] != labels[v]))


_PARTITIONS = {}


def partitions(n):
    """Every set partition of n nodes as restricted-growth strings (a[0] = 0, a[i] <= max(a[:i]) + 1), one per row."""
    if n not in _PARTITIONS:
        rows = [[0]]
        for _ in range(1, n):
            rows = [r + [k] for r in rows for k in range(max(r) + 2)]
        _PARTITIONS[n] = np.array(rows, dtype=np.int8).reshape(-1, n)
    return _PARTITIONS[n]


def brute_force(n, edges, costs):
    """The optimal energy and every optimal labelling (restricted-growth strings) of nodes 0..n-1."""
    p = partitions(n)
    u = np.array([e[0] for e in edges], dtype=np.int64)
    v = np.array([e[1] for e in edges], dtype=np.int64)
    energies = (p[:, u] != p[:, v]).astype(np.float64) @ np.asarray(costs, dtype=np.float64)
    best = energies.min()
    return float(best), [list(r) for r in p[energies <= best + 1e-9]]


def stitch_segmentation_prestitch(input_, segment, tile, overlap, with_background):
    """§3.4 steps 1-4: the pre-stitch volume (dense ids) and the band overlap rows (dense ids)."""
    shape = input_.shape
    ndim = len(shape)
    max_halo = [t + 2 * o for t, o in zip(tile, overlap)]
    factor = int(np.prod(max_halo))
    begins = tiles_of(shape, tile)
    store = np.zeros((len(begins),) + tuple(max_halo), np.uint64)
    out = np.zeros(shape, np.uint64)
    ids = []
    outers = []
    for b, begin in enumerate(begins):
        end = [min(x + t, s) for x, t, s in zip(begin, tile, shape)]
        ob = [max(0, x - o) for x, o in zip(begin, overlap)]
        oe = [min(x + o, s) for x, o, s in zip(end, overlap, shape)]
        outers.append((ob, oe, begin))
        seg = segment(input_[tuple(slice(x, y) for x, y in zip(ob, oe))], b).astype(np.uint64)
        off = np.uint64(b * factor)
        if with_background:
            seg[seg != 0] += off
        else:
            seg = seg + off
        out[tuple(slice(x, y) for x, y in zip(begin, end))] = seg[tuple(slice(x - o, y - o) for x, y, o in zip(begin, end, ob))]
        store[(b,) + tuple(slice(0, s) for s in seg.shape)] = seg
        ids.append(np.unique(seg[seg != 0]))
    real = np.unique(np.concatenate(ids)) if ids else np.zeros(0, np.uint64)
    mapping = {0: 0}
    for i, lab in enumerate(real.tolist()):
        mapping[int(lab)] = i + 1
    out = np.vectorize(lambda v: mapping[int(v)], otypes=[np.uint64])(out)
    grid = [len(range(0, s, t)) for s, t in zip(shape, tile)]
    rows = []
    for b, begin in enumerate(begins):
        pos = [x // t for x, t in zip(begin, tile)]
        for axis in range(ndim):
            if pos[axis] == 0:
                continue
            npos = list(pos)
            npos[axis] -= 1
            n = int(np.ravel_multi_index(npos, grid))
            ob, oe, ib = outers[b]
            nob = outers[n][0]
            face = [slice(ob[d], oe[d]) if d != axis else slice(ob[d], ib[d] + overlap[d]) for d in range(ndim)]
            this = store[(b,) + tuple(slice(f.start - ob[d], f.stop - ob[d]) for d, f in enumerate(face))]
            ngb = store[(n,) + tuple(slice(f.start - nob[d], f.stop - nob[d]) for d, f in enumerate(face))]
            if this.shape != ngb.shape:
                continue
            rows += [(mapping[a], mapping[b2], f) for a, b2, f in overlap_rows(this, ngb) if a in mapping and b2 in mapping]
    return out, rows


def relabel_sequential(a):
    values = np.unique(a)
    values = values[values != 0]
    lut = {0: 0}
    for i, v in enumerate(values.tolist()):
        lut[v] = i + 1
    return np.vectorize(lambda v: lut[int(v)], otypes=[np.uint64])(a)
