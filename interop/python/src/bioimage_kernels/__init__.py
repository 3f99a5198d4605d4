"""BioImage.Kernels for numpy: kernels of libbioimage (a NativeAOT C library) called through ctypes, GIL released.

Functions take numpy arrays of any strides, check dtypes and shapes (TypeError/ValueError), write caller-supplied or
newly allocated outputs and accept ``threads`` (None or 0 = all cores).
"""

from ._library import LEVEL as isa_level, BioImageError
from .filters import gaussian_smoothing
from .segmentation import (ContingencyTable, contingency_table, distance_transform, label, morphology, regionprops,
                           relabel, relabel_consecutive, relabel_sequential, unique, watershed)

__all__ = ["BioImageError", "gaussian_smoothing", "isa_level", "ContingencyTable", "contingency_table", "distance_transform",
           "label", "morphology", "regionprops", "relabel", "relabel_consecutive", "relabel_sequential", "unique", "watershed"]
