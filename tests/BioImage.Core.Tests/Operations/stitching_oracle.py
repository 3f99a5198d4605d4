"""Writes the stitching test cases into sys.argv[1] and their expected results (stitching_reference.py, the
step-by-step re-implementation of bioimage-py's stitch_tiled_segmentation and stitch_segmentation with a brute-force
multicut) as cases.json: per case the input .npy, the parameters, the number of overlap rows and graph edges, and the
expected output volume (exact labels for stitch_segmentation's relabel_sequential, node labels up to renaming for
stitch_tiled_segmentation). Also writes two recovery cases whose ground truth the stitching must give back exactly.
"""
import json, os, sys
import numpy as np
import scipy.ndimage as ndi
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stitching_reference as ref

folder = sys.argv[1]
cases = []


def smooth_noise(shape, seed, sigma):
    rng = np.random.default_rng(seed)
    return ndi.gaussian_filter(rng.random(shape), sigma).astype(np.float32)


def per_tile_labels(mask, tile):
    seg = np.zeros(mask.shape, np.uint64)
    nxt = 0
    for begin in ref.tiles_of(mask.shape, tile):
        sl = tuple(slice(b, b + t) for b, t in zip(begin, tile))
        lab, n = ndi.label(mask[sl])
        s = seg[sl]
        s[lab > 0] = lab[lab > 0].astype(np.uint64) + np.uint64(nxt)
        nxt += n + 3  # gaps: ids unique across tiles but not consecutive
    return seg


def solve(seg, rows, with_background, beta, limit=9):
    """The unique optimal node labelling of the stitching problem (None when brute force is too big or ties)."""
    edges, costs = ref.costs_of(seg, rows, with_background, beta)
    active = sorted(set(edges.ravel().tolist()))
    if len(active) > limit:
        return None, edges
    index = {v: i for i, v in enumerate(active)}
    local = [(index[int(u)], index[int(v)]) for u, v in edges]
    best, optima = ref.brute_force(len(active), local, costs)
    if len(optima) != 1:
        return None, edges
    labels = np.arange(int(seg.max()) + 1, dtype=np.int64)
    for node, k in zip(active, optima[0]):
        labels[node] = -1 - k  # clusters as negative ids, so that they never collide with an isolated node
    return labels, edges


def add(name, kind, data, params, rows, edges, expected):
    np.save(os.path.join(folder, name + '.npy'), data)
    np.save(os.path.join(folder, name + '.expected.npy'), expected.astype(np.int64))
    cases.append(dict(name=name, kind=kind, rows=len(rows), edges=int(len(edges)), **params))


# stitch_tiled_segmentation: random blobs cut into tiles with per-tile ids
seed, made = 0, 0
while made < 8:
    seed += 1
    shape, tile = ([(9, 11), (4, 5)], [(6, 7, 8), (3, 4, 4)])[made % 2]
    overlap = 1 + (made // 2) % 2
    with_background = made % 4 != 3
    beta = [0.5, 0.4, 0.6][made % 3]
    data = per_tile_labels(smooth_noise(shape, seed, 1.0) > 0.5, tile)
    if not with_background:
        data = data + np.uint64(1)
    rows = ref.tiled_rows(data, tile, overlap)
    labels, edges = solve(data, rows, with_background, beta)
    if labels is None or len(rows) == 0:
        continue
    add(f'tiles{made}', 'tiles', data, dict(tile=tile, overlap=[overlap], background=with_background, beta=beta), rows, edges, labels[data.astype(np.int64)])
    made += 1

# stitch_segmentation: threshold + connected components per haloed tile (scipy's default structure)
seed, made = 100, 0
while made < 6:
    seed += 1
    shape, tile = ([(10, 12), (5, 6)], [(6, 8, 7), (3, 4, 4)])[made % 2]
    overlap = [1, 2][(made // 2) % 2]
    with_background = True
    beta = [0.5, 0.6, 0.4][made % 3]
    image = smooth_noise(shape, seed, 1.2)
    threshold = float(np.float32(np.quantile(image, 0.55)))
    segment = lambda tile_input, tile_id: ndi.label(tile_input > np.float32(threshold))[0]
    pre, rows = ref.stitch_segmentation_prestitch(image, segment, tile, [overlap] * len(shape), with_background)
    labels, edges = solve(pre, rows, with_background, beta)
    if labels is None or len(edges) == 0:
        continue
    stitched = labels[pre.astype(np.int64)]
    if with_background:
        stitched = np.where(stitched < 0, stitched, 0) if labels[0] == 0 else stitched
    # node labels in first-occurrence order of the nodes, as the solvers number them, then relabel_sequential
    order = {}
    first = [labels[n] for n in range(len(labels))]
    for value in first:
        order.setdefault(value, len(order))
    dense = np.vectorize(lambda v: order[v])(labels)
    out = dense[pre.astype(np.int64)].astype(np.uint64)
    out = ref.relabel_sequential(out if with_background else out + np.uint64(1))
    add(f'segment{made}', 'segmentation', image, dict(tile=tile, overlap=[overlap], background=with_background, beta=beta, threshold=threshold), rows, edges, out)
    made += 1


# recovery: boxes separated by background (stitch_tiled_segmentation) and Voronoi cells with margins (stitch_segmentation)
def boxes(shape, count, seed):
    """Up to count axis-aligned boxes, one voxel of background at least between any two."""
    rng = np.random.default_rng(seed)
    gt = np.zeros(shape, np.uint32)
    label = 0
    for _ in range(1000):
        begin = [int(rng.integers(0, s - 3)) for s in shape]
        end = [min(b + int(rng.integers(3, s // 2)), s) for b, s in zip(begin, shape)]
        if gt[tuple(slice(max(b - 1, 0), e + 1) for b, e in zip(begin, end))].any():
            continue
        label += 1
        gt[tuple(slice(b, e) for b, e in zip(begin, end))] = label
        if label == count:
            break
    return gt


gt = boxes((30, 40, 36), 10, 7)
np.save(os.path.join(folder, 'boxes.gt.npy'), gt)
np.save(os.path.join(folder, 'boxes.npy'), per_tile_labels(gt > 0, (8, 10, 12)))

shape = (32, 40, 44)
rng = np.random.default_rng(11)
points = rng.uniform(0, 1, (12, 3)) * np.array(shape)
grid = np.indices(shape).reshape(3, -1).T + 0.5
distance = np.sort(np.sqrt(((grid[:, None, :] - points[None]) ** 2).sum(-1)), 1)
margin = ((distance[:, 1] - distance[:, 0]) / 2).reshape(shape).astype(np.float32)  # distance to the cell boundary
np.save(os.path.join(folder, 'cells.npy'), margin)
np.save(os.path.join(folder, 'cells.gt.npy'), ndi.label(margin > 1.5)[0].astype(np.uint32))

json.dump(cases, open(os.path.join(folder, 'cases.json'), 'w'))
