"""Elementwise work in cache-sized blocks.

One array of 10,000 points x 64 neurons is 5 MB of float64, more than a core's L2 cache.
A formula of several ufuncs (tanh's backward: A^2, 1 - that, times dA) run over whole
arrays streams each array through memory once per ufunc; run block by block, a block's
intermediate results are still in cache for the next ufunc, so memory sees each array about
once, as in PyTorch's fused C kernels. Small arrays (the playground's 500 x 8) are one block.
"""
BLOCK = 16384   # elements of each array per block: 128 KB of float64, a few fit in L2


def blocks(*arrays):
    """Matching pieces of equally shaped arrays, about BLOCK elements each, as a list of
    tuples (one piece of every array per tuple), in any order of the elements.

    Arrays that share a contiguous layout are cut as flat 1-D views of their memory;
    others are cut into blocks of rows. Writing into a piece writes into its array.
    """
    size = arrays[0].size
    if size <= 2 * BLOCK:
        return [arrays]
    if all(a.flags.c_contiguous for a in arrays):
        flat = [a.reshape(-1) for a in arrays]
    elif all(a.flags.f_contiguous for a in arrays):
        flat = [a.T.reshape(-1) for a in arrays]
    else:
        rows = max(1, BLOCK // max(1, size // len(arrays[0])))
        return [tuple(a[i:i + rows] for a in arrays) for i in range(0, len(arrays[0]), rows)]
    return [tuple(f[i:i + BLOCK] for f in flat) for i in range(0, size, BLOCK)]
