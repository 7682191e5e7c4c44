"""Array-for-array equality of encoded profile pools, shared by the engine and the pool-cache tests."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
from scipy import sparse

from matching.factors import ProfileTerms
from matching.pool import ProfilePool

_SPARSE_ROWS = ("text", "places")
_SPARSE = (*_SPARSE_ROWS, *(f"{name}_by_feature" for name in _SPARSE_ROWS))
_SHARED = ("terms", "vocab", "grid")


def assert_same_pool(actual: ProfilePool, expected: ProfilePool) -> None:
    """Every array equal, with the same dtype; sparse matrices in the same format and layout."""
    for f in fields(ProfilePool):
        if f.name in (*_SPARSE, *_SHARED):
            continue
        a, e = getattr(actual, f.name), getattr(expected, f.name)
        assert a.dtype == e.dtype, f.name
        assert a.shape == e.shape, f.name
        assert np.array_equal(a, e), f.name
    for name in _SPARSE:
        a, e = getattr(actual, name), getattr(expected, name)
        assert type(a) is type(e), name
        assert a.shape == e.shape and a.dtype == e.dtype, name
        assert a.has_sorted_indices and e.has_sorted_indices, name
        for part in ("indptr", "indices", "data"):
            assert getattr(a, part).dtype == getattr(e, part).dtype, f"{name}.{part} dtype"
            assert np.array_equal(getattr(a, part), getattr(e, part)), f"{name}.{part}"
    # Each CSC copy holds the same matrix as its CSR one (not only the same layout as the expected one).
    for name in _SPARSE_ROWS:
        back = sparse.csr_array(getattr(actual, f"{name}_by_feature"))
        back.sort_indices()
        for part in ("indptr", "indices", "data"):
            rows = getattr(getattr(actual, name), part)
            assert np.array_equal(getattr(back, part), rows), f"{name}_by_feature.{part}"
    for f in fields(ProfileTerms):
        a, e = getattr(actual.terms, f.name), getattr(expected.terms, f.name)
        assert a.dtype == e.dtype and a.shape == e.shape, f"terms.{f.name}"
        assert np.array_equal(a, e), f"terms.{f.name}"
    assert actual.vocab == expected.vocab
    assert actual.grid == expected.grid
