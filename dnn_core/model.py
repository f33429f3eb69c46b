"""`Sequential`: layers applied in order, and `build_mlp`, the playground's network.

forward  = step 4 (`model_forward`):  A[0] = X, A[l] = layer_l(A[l-1])
backward = step 8 (`model_backward`): dA[l-1] = layer_l.backward(dA[l]), filling every grad
"""
from .activations import get_activation
from .layers import Dense, Dropout, Layer
from .params import pack
from .steps import model_backward, model_forward


class Sequential(Layer):
    """A stack of layers. Its Dense layers' Params are named W1, b1, W2, b2, ... in order.

    forward(X (n, in)) -> output (n, out): the last layer's buffer (see `layers`: valid until
    the next forward with the same batch size). backward(dOutput) -> dX (n, in).
    `values` and `grads` (P,): every parameter and gradient, raveled in `parameters()`
    order; each Param is a view of its slice (see `params.pack`), in a copy too.
    """

    __slots__ = ("layers", "values", "grads")

    def __init__(self, layers):
        super().__init__()
        self.layers = list(layers)
        for l, dense in enumerate(self.dense_layers(), start=1):
            dense.weight.name, dense.bias.name = f"W{l}", f"b{l}"
        self.values, self.grads = pack(self.parameters())

    def __getstate__(self):
        return {"layers": self.layers, "training": self.training}

    def __setstate__(self, state):
        # A copy's Params hold arrays of their own: lay them out in new vectors.
        self.layers, self.training = state["layers"], state["training"]
        self.values, self.grads = pack(self.parameters())

    def forward(self, X):
        return model_forward(self, X)

    def backward(self, dY):
        return model_backward(self, dY)

    def parameters(self):
        """The same Param objects on every call, in layer order: W1, b1, W2, b2, ..."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad.fill(0.0)

    def train(self):
        self.training = True
        for layer in self.layers:
            layer.train()
        return self

    def eval(self):
        self.training = False
        for layer in self.layers:
            layer.eval()
        return self

    def dense_layers(self):
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)"


def build_mlp(n_in, hidden, activations, n_out, *, init="xavier", rng, dropout=0.0,
              output_activation=None):
    """The playground's multilayer perceptron.

    For each hidden width h_l: Dense(prev, h_l), activation `activations[l]` (one name
    applies to all layers), Dropout(dropout) (always present, so the rate can change later
    without rebuilding; p = 0 passes through). Then Dense(prev, n_out) and, if given,
    `output_activation`. Weights are drawn from `rng` layer by layer, as in step 1.
    The output is raw logits for the bce/ce losses. hidden=() gives logistic regression.
    """
    hidden = list(hidden)
    names = [activations] * len(hidden) if isinstance(activations, str) else list(activations)
    if len(names) != len(hidden):
        raise ValueError(f"{len(hidden)} hidden layers but {len(names)} activations")
    layers, prev = [], n_in
    for width, name in zip(hidden, names):
        layers += [Dense(prev, width, init=init, rng=rng), get_activation(name),
                   Dropout(dropout, rng)]
        prev = width
    layers.append(Dense(prev, n_out, init=init, rng=rng))
    if output_activation is not None:
        layers.append(get_activation(output_activation))
    return Sequential(layers)
