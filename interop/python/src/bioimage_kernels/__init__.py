"""BioImage.Kernels for numpy: kernels of libbioimage (a NativeAOT C library) called through ctypes, GIL released.

Functions take numpy arrays of any strides, check dtypes and shapes (TypeError/ValueError), write caller-supplied or
newly allocated outputs and accept ``threads`` (None or 0 = all cores). Block-wise verbs on files (paths and keys,
local threads, worker processes or Slurm) are in :mod:`bioimage_kernels.blockwise`; ``copy`` is also here.
"""

from ._library import LEVEL as isa_level, BioImageError
from .filters import (difference_of_gaussians, gaussian_gradient_magnitude, gaussian_smoothing,
                      hessian_of_gaussian_eigenvalues, laplacian_of_gaussian, structure_tensor_eigenvalues)
from .resampling import downscale, resize
from .segmentation import (ContingencyTable, contingency_table, distance_transform, label, morphology, regionprops,
                           relabel, relabel_consecutive, relabel_sequential, unique, watershed)
from . import blockwise
from .blockwise import RunnerError, copy

__all__ = ["BioImageError", "difference_of_gaussians", "downscale", "gaussian_gradient_magnitude", "gaussian_smoothing",
           "hessian_of_gaussian_eigenvalues", "isa_level", "laplacian_of_gaussian", "resize", "structure_tensor_eigenvalues",
           "ContingencyTable", "contingency_table", "distance_transform", "label", "morphology", "regionprops", "relabel",
           "relabel_consecutive", "relabel_sequential", "unique", "watershed", "blockwise", "RunnerError", "copy"]
