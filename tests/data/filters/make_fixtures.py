#!/usr/bin/python3
"""Writes the oracle fixtures of the Gaussian filter family (tests/BioImage.Kernels.Tests/Filters).

Inputs are small odd-shaped float32 volumes; every expected output comes from scipy.ndimage (and
scikit-image for the difference of Gaussians), with the case parameters in cases.json.
Run with Debian's packages: /usr/bin/python3 tests/data/filters/make_fixtures.py
The files are committed; re-run only when adding cases, never to make a test pass.
"""
import itertools
import json
import pathlib

import numpy as np
import scipy
import scipy.ndimage as ndi
import skimage
import skimage.filters

HERE = pathlib.Path(__file__).resolve().parent
rng = np.random.default_rng(20261125)
MODES = ["reflect", "mirror", "nearest", "constant", "wrap"]
CVAL = 0.7
cases = []


def volume(shape):
    """Smooth structure plus noise, so that derivatives and eigenvalues are not just noise."""
    grids = np.meshgrid(*[np.linspace(0, 3, s) for s in shape], indexing="ij")
    smooth = sum(np.sin(g * (i + 1.3)) for i, g in enumerate(grids))
    return (smooth * 10 + rng.standard_normal(shape) * 2 + 5).astype(np.float32)


inputs = {
    "vol": volume((9, 13, 17)),
    "img": volume((23, 31)),
    "tiny": volume((3, 2, 5)),
    "line": volume((1, 1, 7)),
}
for name, array in inputs.items():
    np.save(HERE / f"input_{name}.npy", array)


def add(name, filter_name, input_name, expected, **params):
    expected = np.asarray(expected, dtype=np.float32)  # float32 storage: 6e-8 relative, far below the tolerance
    np.save(HERE / f"{name}.npy", expected)
    cases.append({"name": name, "filter": filter_name, "input": input_name,
                  "shape": list(expected.shape), **params})


def sigmas(sigma, ndim):
    return list(sigma) if isinstance(sigma, (list, tuple)) else [sigma] * ndim


def hessian_eigenvalues(x, sigma, mode):
    x = x.astype(np.float64)
    n = x.ndim
    h = np.empty(x.shape + (n, n))
    for a, b in itertools.combinations_with_replacement(range(n), 2):
        order = [0] * n
        order[a] += 1
        order[b] += 1
        h[..., a, b] = h[..., b, a] = ndi.gaussian_filter(x, sigma, order=order, mode=mode, cval=CVAL)
    return np.moveaxis(np.linalg.eigvalsh(h)[..., ::-1], -1, 0)


def structure_tensor_eigenvalues(x, inner, outer, mode):
    x = x.astype(np.float64)
    n = x.ndim
    grads = []
    for a in range(n):
        order = [0] * n
        order[a] = 1
        grads.append(ndi.gaussian_filter(x, inner, order=order, mode=mode, cval=CVAL))
    t = np.empty(x.shape + (n, n))
    for a, b in itertools.combinations_with_replacement(range(n), 2):
        t[..., a, b] = t[..., b, a] = ndi.gaussian_filter(grads[a] * grads[b], outer, mode=mode, cval=CVAL)
    return np.moveaxis(np.linalg.eigvalsh(t)[..., ::-1], -1, 0)


vol, img, tiny = inputs["vol"], inputs["img"], inputs["tiny"]
for mode in MODES:
    kw = dict(mode=mode, cval=CVAL)
    s3 = [1.0, 1.5, 0.8]
    add(f"smooth_vol_{mode}", "gaussian", "vol", ndi.gaussian_filter(vol, s3, **kw), sigma=s3, order=[0, 0, 0], rank=3, **kw)
    add(f"deriv_vol_{mode}", "gaussian", "vol", ndi.gaussian_filter(vol, s3, order=[1, 0, 2], **kw), sigma=s3, order=[1, 0, 2], rank=3, **kw)
    add(f"smooth_img_{mode}", "gaussian", "img", ndi.gaussian_filter(img, [1.2, 2.0], **kw), sigma=[0, 1.2, 2.0], order=[0, 0, 0], rank=2, **kw)
    add(f"deriv_img_{mode}", "gaussian", "img", ndi.gaussian_filter(img, [1.2, 2.0], order=[2, 1], **kw), sigma=[0, 1.2, 2.0], order=[0, 2, 1], rank=2, **kw)
    # radius 8 on axes of 3, 2 and 5 samples: the extension wraps around the whole axis several times.
    add(f"smooth_tiny_{mode}", "gaussian", "tiny", ndi.gaussian_filter(tiny, 2.0, **kw), sigma=[2.0] * 3, order=[0, 0, 0], rank=3, **kw)
    add(f"deriv_tiny_{mode}", "gaussian", "tiny", ndi.gaussian_filter(tiny, 2.0, order=[0, 1, 1], **kw), sigma=[2.0] * 3, order=[0, 1, 1], rank=3, **kw)
    add(f"ggm_vol_{mode}", "gradient_magnitude", "vol", ndi.gaussian_gradient_magnitude(vol, s3, **kw), sigma=s3, rank=3, **kw)
    add(f"log_vol_{mode}", "laplacian", "vol", ndi.gaussian_laplace(vol, s3, **kw), sigma=s3, rank=3, **kw)
    add(f"hessian_vol_{mode}", "hessian", "vol", hessian_eigenvalues(vol, s3, mode), sigma=s3, rank=3, **kw)
    add(f"st_vol_{mode}", "structure_tensor", "vol", structure_tensor_eigenvalues(vol, s3, [1.3, 0.9, 1.6], mode),
        sigma=s3, outer=[1.3, 0.9, 1.6], rank=3, **kw)
    add(f"dog_vol_{mode}", "dog", "vol",
        skimage.filters.difference_of_gaussians(vol.astype(np.float64), s3, [2 * s for s in s3], mode=mode, cval=CVAL),
        sigma=s3, outer=[2 * s for s in s3], rank=3, **kw)

kw = dict(mode="reflect", cval=0.0)
add("smooth_line_reflect", "gaussian", "line", ndi.gaussian_filter(inputs["line"], 1.5, **kw), sigma=[1.5] * 3, order=[0, 0, 0], rank=3, **kw)
add("smooth_vol_sigma0", "gaussian", "vol", ndi.gaussian_filter(vol, [0, 1.0, 2.2], **kw), sigma=[0, 1.0, 2.2], order=[0, 0, 0], rank=3, **kw)
add("smooth_vol_truncate", "gaussian", "vol", ndi.gaussian_filter(vol, 1.7, truncate=2.5, **kw), sigma=[1.7] * 3, order=[0, 0, 0], rank=3, truncate=2.5, **kw)
add("ggm_img_reflect", "gradient_magnitude", "img", ndi.gaussian_gradient_magnitude(img, [1.2, 2.0], **kw), sigma=[0, 1.2, 2.0], rank=2, **kw)
add("log_img_reflect", "laplacian", "img", ndi.gaussian_laplace(img, [1.2, 2.0], **kw), sigma=[0, 1.2, 2.0], rank=2, **kw)
add("hessian_img_reflect", "hessian", "img", hessian_eigenvalues(img, [1.2, 2.0], "reflect"), sigma=[0, 1.2, 2.0], rank=2, **kw)
add("st_img_reflect", "structure_tensor", "img", structure_tensor_eigenvalues(img, [1.2, 2.0], 1.5, "reflect"),
    sigma=[0, 1.2, 2.0], outer=[0, 1.5, 1.5], rank=2, **kw)
add("dog_img_nearest", "dog", "img", skimage.filters.difference_of_gaussians(img.astype(np.float64), 1.1, mode="nearest"),
    sigma=[0, 1.1, 1.1], outer=[0, 1.76, 1.76], rank=2, mode="nearest", cval=0.0)
# rank 2 on a stack: every plane is an independent image.
add("ggm_stack_mirror", "gradient_magnitude", "vol",
    np.stack([ndi.gaussian_gradient_magnitude(p, [1.5, 0.8], mode="mirror") for p in vol]),
    sigma=[0, 1.5, 0.8], rank=2, mode="mirror", cval=0.0)
add("hessian_stack_wrap", "hessian", "vol",
    np.stack([hessian_eigenvalues(p, [1.5, 0.8], "wrap") for p in vol], axis=1),
    sigma=[0, 1.5, 0.8], rank=2, mode="wrap", cval=0.0)

(HERE / "cases.json").write_text(json.dumps({
    "generator": f"scipy {scipy.__version__}, scikit-image {skimage.__version__}, numpy {np.__version__}",
    "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {HERE}")
