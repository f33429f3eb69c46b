"""The nine steps of "Building your Deep Neural Network: Step by Step", one function each.

Row-major conventions: a batch X is (n, features), W is (out, in), b is (out,). The layers
and the model call these functions, so the source shown for a step is the code that ran.
Functions that take `out=` write into that preallocated array and return it; batch-shaped
`out` arrays must be column-major (see `column_major`).

    1 initialize_parameters   W[l] = init((n_l, n_{l-1})), b[l] = 0
    2 linear_forward          Z = A_prev W^T + b
    3 activation_forward      A = g(Z)
    4 model_forward           A[0] = X, A[l] = layer_l(A[l-1])
    5 compute_cost            J = (1/n) sum_i loss_i + penalty
    6 linear_backward         dW = dZ^T A_prev, db = sum_rows dZ, dA_prev = dZ W
    7 activation_backward     dZ = dA * g'(Z)
    8 model_backward          dA[L] = dJ/dA[L], dA[l-1] = layer_l.backward(dA[l])
    9 update_parameters       W := W - lr * dW (or the optimizer's own rule)
"""
import functools

import numpy as np

from .blocks import BLOCK, blocks
from .init import get_initializer


def column_major(shape):
    """An uninitialized float64 array of `shape` (n, k) whose columns are contiguous.

    It is the transpose of a row-major (k, n) array, the course's own layout: a product writes
    Z^T = W A^T straight into it, and on narrow layers (n x 8) the bias add and the matrix
    products run up to twice as fast as on a row-major (n, k) array.
    """
    return np.empty(shape[::-1]).T


def _matmul(a, b, out):
    """out = a @ b for a (m, k), b (k, n) (views: no copy is made).

    np.dot zeroes `out` before the product: a wasted pass over 5 MB for a 10,000 x 64
    layer, so big outputs go to np.matmul, and small ones to the same product as a method
    (`a.dot`: no dispatch through Python, so it is called fastest). k = 1 (one input or one
    neuron) is an outer product: one broadcast multiply.
    """
    if a.shape[1] == 1:
        return np.multiply(a, b, out=out)
    if out.size > 2 * BLOCK:
        return np.matmul(a, b, out=out)
    return a.dot(b, out=out)


@functools.lru_cache(maxsize=8)
def _ones(n):
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def initialize_parameters(layer_sizes, init, rng, bias=0.0):
    """Step 1. One (W (n_l, n_{l-1}), b (n_l,)) pair per layer, drawn in layer order.

    W[l] = init((n_l, n_{l-1}), rng);  b[l] = bias (0 by default).
    `init` is a registry name ("xavier", "he", ...) or a callable init(shape, rng).
    """
    init_fn = get_initializer(init) if isinstance(init, str) else init
    if rng is None and getattr(init_fn, "draws", False):
        raise ValueError(f"initializer {getattr(init_fn, 'name', init_fn)!r} draws random "
                         "weights: pass rng=np.random.default_rng(seed)")
    pairs = []
    for n_prev, n_l in zip(layer_sizes[:-1], layer_sizes[1:]):
        W = np.asarray(init_fn((n_l, n_prev), rng), dtype=np.float64)
        b = np.full(n_l, bias, dtype=np.float64)
        pairs.append((W, b))
    return pairs


def linear_forward(A_prev, W, b, out=None):
    """Step 2. Z = A_prev W^T + b:  (n, in) @ (in, out) + (out,) -> Z (n, out).

    Computed as Z^T = W A_prev^T (the course's column layout) into a column-major Z.
    """
    Z = column_major((A_prev.shape[0], W.shape[0])) if out is None else out
    _matmul(W, A_prev.T, Z.T)
    Z += b
    return Z


def activation_forward(activation, Z, out=None):
    """Step 3. A = g(Z), elementwise; `activation` supplies g as `fn`.  Z, A: (n, k)."""
    return activation.fn(Z, out=out)


def model_forward(model, X):
    """Step 4 (L-layer forward). A[0] = X;  A[l] = layer_l.forward(A[l-1]);  returns A[L].

    Each Dense layer runs step 2, each activation layer step 3, and each caches its input.
    """
    A = X
    for layer in model.layers:
        A = layer.forward(A)
    return A


def compute_cost(loss, output, target, penalty=0.0):
    """Step 5. J = (1/n) sum_i loss(output_i, target_i) + penalty  (a float).

    `loss.forward` takes the mean and caches what `loss.backward` needs for dJ/d(output);
    `penalty` is the regularization term (its gradient is added to the weights' grads).
    """
    return loss.forward(output, target) + penalty


def linear_backward(dZ, A_prev, W, dW_out=None, db_out=None, dA_prev_out=None,
                    input_grad=True):
    """Step 6. Gradients of Z = A_prev W^T + b, given dZ (n, out) (already divided by n):

    dW = dZ^T A_prev  (out, in);  db = dZ^T 1, the sum of dZ's rows  (out,);
    dA_prev = dZ W  (n, in), computed as dA_prev^T = W^T dZ^T into a column-major array.
    Returns (dA_prev, dW, db); dA_prev is None when `input_grad` is False (the first
    layer: nothing consumes the gradient of the data, so it is not computed).
    """
    dW = dZ.T.dot(A_prev, out=dW_out)
    db = dZ.T.dot(_ones(dZ.shape[0]), out=db_out)
    if not input_grad:
        return None, dW, db
    dA_prev = column_major(A_prev.shape) if dA_prev_out is None else dA_prev_out
    _matmul(W.T, dZ.T, dA_prev.T)
    return dA_prev, dW, db


def activation_backward(activation, dA, out=None):
    """Step 7. dZ = dA * g'(Z), elementwise; g'(Z) = activation.derivative(Z, A) from the
    Z and A the activation cached in its forward pass.  dA, dZ: (n, k).
    Computed block by block (`blocks`): g' of a block is still in cache when dA multiplies it.
    """
    dZ = np.empty_like(activation.Z) if out is None else out
    if dZ.size <= 2 * BLOCK:   # one block (see `blocks`), without the loop
        return np.multiply(activation.derivative(activation.Z, activation.A, out=dZ), dA,
                           out=dZ)
    for Z, A, dA_block, dZ_block in blocks(activation.Z, activation.A, dA, dZ):
        np.multiply(activation.derivative(Z, A, out=dZ_block), dA_block, out=dZ_block)
    return dZ


def model_backward(model, dOutput, observe=None):
    """Step 8 (L-layer backward). dA[L] = dJ/dA[L] (the loss's backward);
    dA[l-1] = layer_l.backward(dA[l]) for l = L..1, each layer filling its own gradients.
    Returns dJ/dX (n, features), or None when the first layer skips it (`input_grad`).
    `observe(layer, dA, dA_prev)`, if given, sees each layer's pass (Under the hood)."""
    dA = dOutput
    for layer in reversed(model.layers):
        dA_prev = layer.backward(dA)
        if observe is not None:
            observe(layer, dA, dA_prev)
        dA = dA_prev
    return dA


def update_parameters(optimizer):
    """Step 9. Plain gradient descent: W := W - lr * dW, b := b - lr * db, for every layer.

    The optimizer applies its own rule (SGD, momentum, Adam, ...) in place to every Param
    it was built over, using the gradients steps 6-8 left in `Param.grad`.
    """
    optimizer.step()
