"""Runs every exported function on fixed random inputs with one libbioimage build (BIOIMAGE_KERNELS_ISA) and saves
the outputs (``save OUT.npz``), or compares two or more saved runs bit for bit (``compare A.npz B.npz ...``)."""

import sys

import numpy as np


def outputs():
    import bioimage_kernels as bk

    rng = np.random.default_rng(20)
    single = rng.normal(size=(20, 33, 41)).astype(np.float32)
    double = single.astype(np.float64)
    labels = rng.integers(0, 5, (21, 30, 19)).astype(np.uint16)
    mask = single > 0.3
    seeds = np.zeros(single.shape, np.int32)
    seeds.flat[rng.choice(seeds.size, 20, replace=False)] = np.arange(1, 21)
    components = bk.label(mask, connectivity=3)[0]
    shapes = bk.regionprops(components, (2.0, 1.0, 0.5), compute_surface=True)
    return {
        "gaussian_smoothing_f32": bk.gaussian_smoothing(single, 1.7),
        "gaussian_smoothing_f64": bk.gaussian_smoothing(double, (1.0, 2.0, 0.5), mode="wrap"),
        "gaussian_gradient_magnitude": bk.gaussian_gradient_magnitude(single, 1.2),
        "laplacian_of_gaussian": bk.laplacian_of_gaussian(double, 1.2, mode="nearest"),
        "hessian_of_gaussian_eigenvalues": bk.hessian_of_gaussian_eigenvalues(single, 1.5),
        "structure_tensor_eigenvalues": bk.structure_tensor_eigenvalues(double, 1.0, 2.0),
        "difference_of_gaussians": bk.difference_of_gaussians(single[5], 1.0),
        "resize_order3_f32": bk.resize(single, (10, 50, 20), order=3),
        "resize_order5_aa_f64": bk.resize(double, (7, 17, 60), order=5, anti_aliasing=True),
        "resize_order0_labels": bk.resize(labels, (40, 13, 25), order=0),
        "downscale_mean_f32": bk.downscale(single, (2, 3, 2)),
        "downscale_mean_u16": bk.downscale(labels, 2),
        "downscale_mode_u16": bk.downscale(labels, (3, 2, 2), method="mode"),
        "label_26": components,
        "watershed_f32_mask": bk.watershed(single, seeds, mask=mask),
        "watershed_f64_compact": bk.watershed(double[3], seeds[3], 2, compactness=0.5),
        "distance_transform": bk.distance_transform(mask, sampling=(2.0, 1.0, 0.5)),
        "distance_transform_indices": bk.distance_transform(mask, return_distances=False, return_indices=True),
        "unique_counts": bk.unique(labels, return_counts=True)[1],
        "relabel_sequential": bk.relabel_sequential(labels * np.uint16(7), offset=3)[0],
        "regionprops_shapes": np.stack([shapes["axis_major_length"], shapes["axis_minor_length"], shapes["surface_area"]]),
        "contingency_counts": bk.contingency_table(components, seeds).counts,
    }


def main(argv):
    if argv[0] == "save":
        np.savez(argv[1], **outputs())
        return 0
    runs = {path: np.load(path) for path in argv[1:]}
    first, *others = runs
    differing = [f"{name} ({path} vs {first})" for path in others for name in runs[first].files
                 if not np.array_equal(runs[first][name], runs[path][name])]
    for line in differing:
        print(f"   differs: {line}")
    print(f"   {len(runs[first].files)} outputs compared across {len(runs)} builds: "
          + ("identical" if not differing else f"{len(differing)} differ"))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
