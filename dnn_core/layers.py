"""The layer contract, `Dense` and `Dropout`.

Every layer: `forward(X) -> Y` caches what backward needs; `backward(dY) -> dX` overwrites
the layer's gradients for this batch and returns dX; it never updates weights.
Shapes: rows are samples, X (n, in), Y (n, out).

Speed: the arrays a layer returns are its own buffers, reused by the next call with the
same shape (a few shapes are kept, e.g. mini-batch, full batch and plotting grid). An array
returned by `forward` or `backward` stays valid until that layer's next forward (or
backward) with the same batch shape: copy it to keep it longer.
"""
import numpy as np

from .params import Param
from .steps import column_major, initialize_parameters, linear_backward, linear_forward

MAX_CACHED_SHAPES = 4


def reusable(cache, shape):
    """A column-major float64 buffer of `shape` from `cache` (dict shape -> array),
    allocated on first use; the oldest shape is dropped beyond MAX_CACHED_SHAPES."""
    buffer = cache.get(shape)
    if buffer is None:
        if len(cache) >= MAX_CACHED_SHAPES:
            del cache[next(iter(cache))]
        buffer = cache[shape] = column_major(shape)
    return buffer


class Layer:
    """Base class: no parameters, training mode on."""

    __slots__ = ("training",)

    def __init__(self):
        self.training = True

    def forward(self, X):
        raise NotImplementedError

    def backward(self, dY):
        raise NotImplementedError

    def parameters(self):
        return []

    def train(self):
        self.training = True
        return self

    def eval(self):
        self.training = False
        return self


class Dense(Layer):
    """Fully connected layer: W (out, in) and b (out,), as torch.nn.Linear.

    forward:  Z = X W^T + b                       (step 2, `linear_forward`)
    backward: dW = dZ^T X, db = sum_rows dZ, dX = dZ W   (step 6, `linear_backward`)
    `input_grad = False` skips dX (backward returns None): for a network's first layer,
    whose input is the data, as PyTorch skips inputs that do not require grad.
    """

    __slots__ = ("in_features", "out_features", "weight", "bias", "X", "input_grad", "_Z",
                 "_dX")

    def __init__(self, in_features, out_features, init="xavier", rng=None, bias=0.0):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        [(W, b)] = initialize_parameters([in_features, out_features], init, rng, bias=bias)
        self.weight = Param("W", W, decay=True)
        self.bias = Param("b", b, decay=False)
        self.X = None
        self.input_grad = True
        self._Z, self._dX = {}, {}

    W = property(lambda self: self.weight.value, doc="weights (out, in)")
    b = property(lambda self: self.bias.value, doc="biases (out,)")
    dW = property(lambda self: self.weight.grad, doc="dJ/dW (out, in) after backward")
    db = property(lambda self: self.bias.grad, doc="dJ/db (out,) after backward")

    def forward(self, X):
        self.X = X
        Z = reusable(self._Z, (X.shape[0], self.out_features))
        return linear_forward(X, self.weight.value, self.bias.value, out=Z)

    def backward(self, dZ):
        dX = reusable(self._dX, self.X.shape) if self.input_grad else None
        dX, _, _ = linear_backward(dZ, self.X, self.weight.value, dW_out=self.weight.grad,
                                   db_out=self.bias.grad, dA_prev_out=dX,
                                   input_grad=self.input_grad)
        return dX

    def parameters(self):
        return [self.weight, self.bias]

    def __repr__(self):
        return f"Dense({self.in_features}, {self.out_features})"


class Dropout(Layer):
    """Inverted dropout with drop probability p (mutable; p = 0 is a pass-through).

    training: mask = (rng.random(X.shape) >= p) / (1 - p);  Y = X * mask;  dX = dY * mask.
    eval: identity. A test can fix the mask with `fixed_mask` (used instead of drawing).
    """

    __slots__ = ("_p", "rng", "mask", "fixed_mask", "_Y", "_dX")

    def __init__(self, p=0.0, rng=None, fixed_mask=None):
        super().__init__()
        self.p = p
        self.rng = rng
        self.mask = None
        self.fixed_mask = fixed_mask
        self._Y, self._dX = {}, {}

    @property
    def p(self):
        return self._p

    @p.setter
    def p(self, value):
        if not 0.0 <= value < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {value}")
        self._p = float(value)

    def forward(self, X):
        if not self.training or (self._p == 0.0 and self.fixed_mask is None):
            self.mask = None
            return X
        self.mask = self.fixed_mask if self.fixed_mask is not None else self._draw_mask(X.shape)
        return np.multiply(X, self.mask, out=reusable(self._Y, X.shape))

    def _draw_mask(self, shape):
        if self.rng is None:
            raise ValueError("Dropout(p > 0) in training mode needs rng=np.random.Generator")
        keep = self.rng.random(shape) >= self._p
        return keep / (1.0 - self._p)

    def backward(self, dY):
        if self.mask is None:
            return dY
        return np.multiply(dY, self.mask, out=reusable(self._dX, dY.shape))

    def __repr__(self):
        return f"Dropout(p={self._p})"
