#!/usr/bin/python3
"""Synthetic EM-like test volume with known ground truth, for the multicut segmentation workflow.

Ground truth: the Voronoi cells of N random seeds (nearest seed, cKDTree) in a D×H×W volume, labels 1..N.
Membranes: voxels with a face neighbour of another cell, dilated by one voxel. Boundary map: the membranes
blurred with a Gaussian (sigma 1), plus Gaussian noise (sigma 0.1), clipped to [0, 1], float32.
Fixed seed: the same arguments give the same files.

usage: synthetic_em.py OUT_DIR DEPTH HEIGHT WIDTH CELLS [SEED]
writes OUT_DIR/boundaries.npy (float32) and OUT_DIR/groundtruth.npy (uint32)
"""
import os
import sys

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree


def generate(shape, cells, seed):
    rng = np.random.default_rng(seed)
    seeds = rng.uniform(0, 1, size=(cells, 3)) * np.array(shape)
    grid = np.stack(np.meshgrid(*[np.arange(n) + 0.5 for n in shape], indexing="ij"), axis=-1).reshape(-1, 3)
    _, nearest = cKDTree(seeds).query(grid)
    truth = (nearest.reshape(shape) + 1).astype(np.uint32)
    membrane = np.zeros(shape, dtype=bool)
    for axis in range(3):
        lower = [slice(None)] * 3
        upper = [slice(None)] * 3
        lower[axis] = slice(None, -1)
        upper[axis] = slice(1, None)
        differs = truth[tuple(lower)] != truth[tuple(upper)]
        membrane[tuple(lower)] |= differs
        membrane[tuple(upper)] |= differs
    membrane = ndimage.binary_dilation(membrane, iterations=1)
    boundaries = ndimage.gaussian_filter(membrane.astype(np.float32), sigma=1.0)
    boundaries = boundaries / boundaries.max() + rng.normal(0, 0.1, size=shape).astype(np.float32)
    return np.clip(boundaries, 0, 1).astype(np.float32), truth


def main():
    out, depth, height, width, cells = sys.argv[1], *map(int, sys.argv[2:6])
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 42
    boundaries, truth = generate((depth, height, width), cells, seed)
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "boundaries.npy"), boundaries)
    np.save(os.path.join(out, "groundtruth.npy"), truth)


if __name__ == "__main__":
    main()
