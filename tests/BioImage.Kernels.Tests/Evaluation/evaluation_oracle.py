"""Independent oracles of the evaluation kernels (EvaluationOracleTests.cs runs it through NumpyExchange).

Reads seg.npy and gt.npy (same shape, any integer dtypes), points.npy / reference.npy (N x 3 float64) and
edges.npy (E x 2 int64, a bipartite graph of 40 x 30 vertices); prints one JSON object: the contingency table from
numpy (np.unique of the (seg, gt) rows as uint64), skimage's contingency table (rows = gt), VI from skimage (log2)
and sklearn (mutual information in nats), the Rand sums from sklearn's pair confusion matrix, sklearn's rand score,
object VI by brute force (collections.Counter), matching / mSA / symmetric best dice / dice from dense numpy matrices
with networkx's Hopcroft-Karp matching, coordinate matching with scipy's cdist + networkx, and the maximum matching
size of edges.npy.
"""
import collections
import json
import math

import networkx as nx
import numpy as np
from scipy.spatial.distance import cdist
from skimage.metrics import contingency_table, variation_of_information
from sklearn.metrics import mutual_info_score, rand_score
from sklearn.metrics.cluster import pair_confusion_matrix

seg, gt = load("seg"), load("gt")
s, g = seg.ravel().astype(np.uint64), gt.ravel().astype(np.uint64)
n = s.size
out = {}
pairs, counts = np.unique(np.stack([s, g], 1), axis=0, return_counts=True)
out["table"] = {"seg": [str(v) for v in pairs[:, 0]], "gt": [str(v) for v in pairs[:, 1]], "counts": counts.tolist()}


def max_matching(left, right, edges):
    graph = nx.Graph()
    graph.add_nodes_from((("l", i) for i in range(left)), bipartite=0)
    graph.add_nodes_from((("r", j) for j in range(right)), bipartite=1)
    graph.add_edges_from((("l", int(i)), ("r", int(j))) for i, j in edges)
    top = [("l", i) for i in range(left)]
    return len(nx.bipartite.maximum_matching(graph, top_nodes=top)) // 2


def scores(tp, n_pred, n_true):
    if tp == 0:
        return [0.0, 0.0, 0.0, 0.0]
    fp, fn = n_pred - tp, n_true - tp
    return [tp / (tp + fp), tp / (tp + fn), tp / (tp + fp + fn), 2 * tp / (2 * tp + fp + fn)]


small = int(max(s.max(initial=0), g.max(initial=0))) < 10**6 and (seg >= 0).all() and (gt >= 0).all()
if small and n > 0:
    # skimage / sklearn need small non-negative labels.
    table = contingency_table(gt.ravel().astype(np.int64), seg.ravel().astype(np.int64)).tocoo()
    order = np.lexsort((table.row, table.col))
    out["skimage_table"] = {"seg": table.col[order].tolist(), "gt": table.row[order].tolist(), "counts": table.data[order].astype(np.int64).tolist()}
    split, merge = variation_of_information(gt, seg)
    out["vi"] = [float(split), float(merge)]
    out["mutual_information_nats"] = float(mutual_info_score(g, s))
    C = pair_confusion_matrix(g, s).astype(object)
    c2, g2, s2 = C[1, 1] + n, C[1, 1] + C[1, 0] + n, C[1, 1] + C[0, 1] + n
    out["rand_sums"] = [str(c2), str(s2), str(g2)]
    out["rand_score"] = float(rand_score(g, s))
    split, merge = variation_of_information(gt, seg, ignore_labels=[0])
    out["vi_ignore_gt0"] = [float(split), float(merge)]

# Object VI by brute force.
joint = collections.Counter(zip(s.tolist(), g.tolist()))
seg_size = collections.Counter(s.tolist())
gt_size = collections.Counter(g.tolist())
object_vi = []
for j in sorted(gt_size):
    b = gt_size[j]
    split = -sum(c / b * math.log2(c / seg_size[i]) for (i, jj), c in joint.items() if jj == j)
    merge = -sum(c / b * math.log2(c / b) for (i, jj), c in joint.items() if jj == j)
    object_vi.append([str(j), split, merge])
out["object_vi"] = object_vi

# Matching on the dense overlap matrix: rows = seg labels, columns = gt labels, both sorted, label 0 included.
seg_labels, seg_inverse = np.unique(s, return_inverse=True)
gt_labels, gt_inverse = np.unique(g, return_inverse=True)
overlap = np.zeros((len(seg_labels), len(gt_labels)), np.int64)
np.add.at(overlap, (seg_inverse, gt_inverse), 1)
rows, cols = overlap.sum(1, keepdims=True), overlap.sum(0, keepdims=True)
matrices = {
    "iou": overlap / np.maximum(rows + cols - overlap, 1e-7),
    "iot": overlap / np.maximum(rows, 1e-7),
    "iop": overlap / np.maximum(cols, 1e-7),
}
keep_seg, keep_gt = seg_labels != 0, gt_labels != 0
out["matching"] = {}
for name, matrix in matrices.items():
    m = matrix[keep_seg][:, keep_gt]
    for t in (0.1, 0.5, 0.75, 1.0):
        tp = max_matching(m.shape[0], m.shape[1], np.argwhere(m >= t)) if m.size else 0
        out["matching"][f"{name}_{t}"] = scores(tp, m.shape[0], m.shape[1])
m = matrices["iou"][keep_seg][:, keep_gt]
accuracies = [scores(max_matching(m.shape[0], m.shape[1], np.argwhere(m >= t)) if m.size else 0, m.shape[0], m.shape[1])[2] for t in np.arange(0.5, 1.0, 0.05)]
out["msa"] = float(np.mean(accuracies))
out["arange"] = [repr(float(t)) for t in np.arange(0.5, 1.0, 0.05)]

# Symmetric best dice (bioimage-py's _sbd_ref): per pair 2c/(a+b), pairs with label 0 invalid.
dice = 2 * overlap / (rows + cols)
d = dice[keep_seg][:, keep_gt]
out["sbd"] = 0.0 if d.size == 0 else float(min(d.max(1).mean(), d.max(0).mean()))
a, b = seg.ravel() > 0, gt.ravel() > 0
out["dice"] = float(2 * (a & b).sum() / (a.sum() + b.sum() + 1e-7))

points, reference = load("points"), load("reference")
distances = cdist(points * [2.0, 1.0, 0.5], reference * [2.0, 1.0, 0.5])
tp = max_matching(len(points), len(reference), np.argwhere(distances <= 3.0))
out["coordinates"] = scores(tp, len(points), len(reference))
out["edges_matching"] = max_matching(40, 30, load("edges"))
print(json.dumps(out))
