"""Big batches take other code paths (blocked elementwise work, np.matmul, outer products):
`blocks` cuts arrays exactly, and a big network's numbers still match PyTorch's."""
import numpy as np
import pytest

from test_torch_parity import tensor, torch_twin

from dnn_core.activations import ACTIVATIONS
from dnn_core.blocks import BLOCK, blocks
from dnn_core.losses import get_loss
from dnn_core.model import build_mlp
from dnn_core.steps import column_major

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("layouts", ["CC", "FF", "CF"])
def test_blocks_cover_every_element_once_as_views(layouts):
    shape = (3 * BLOCK // 7 + 5, 7)                   # more than 2 BLOCKs of elements
    arrays = [np.zeros(shape) if kind == "C" else column_major(shape) for kind in layouts]
    for array in arrays:
        array[...] = 0.0
    pieces = blocks(*arrays)
    assert len(pieces) > 2
    for piece in pieces:
        assert len(piece) == len(arrays) and piece[0].shape == piece[1].shape
        assert piece[0].size <= BLOCK
        for p in piece:
            p += 1.0
    for array in arrays:
        assert (array == 1.0).all()


def test_small_arrays_are_one_block_of_themselves():
    a, b = np.ones((500, 8)), np.ones((500, 8))
    [(x, y)] = blocks(a, b)
    assert x is a and y is b


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_blocked_backward_equals_the_whole_array_formula(name):
    rng = np.random.default_rng(4)
    Z, dA = column_major((3000, 64)), column_major((3000, 64))
    Z[...], dA[...] = rng.standard_normal(Z.shape) * 3, rng.standard_normal(Z.shape)
    layer = ACTIVATIONS[name]()
    A = layer.forward(Z)
    whole = layer.derivative(Z, A) * dA
    np.testing.assert_array_equal(layer.backward(dA), whole)
    np.testing.assert_array_equal(layer.backward(np.ascontiguousarray(dA)), whole)


@pytest.mark.parametrize("n_in", [1, 2])
def test_a_big_batch_matches_torch(n_in):
    """3,000 points x 64 neurons: every hidden array is blocked and multiplied by np.matmul;
    one input and one output neuron are outer products."""
    rng = np.random.default_rng(5)
    model = build_mlp(n_in, [64, 64], "tanh", 1, init="xavier", rng=rng)
    for dense in model.dense_layers():
        dense.b[...] = rng.normal(0, 0.1, size=dense.b.shape)
    X = rng.standard_normal((3000, n_in))
    target = (X.sum(axis=1, keepdims=True) > 0) * 1.0
    loss = get_loss("bce")
    output = model.forward(X)
    value = loss.forward(output, target)
    dX = model.backward(loss.backward())

    twin = torch_twin(model, "tanh")
    x = tensor(X, grad=True)
    torch_output = twin(x)
    torch_value = torch.nn.BCEWithLogitsLoss()(torch_output, tensor(target))
    torch_value.backward()
    np.testing.assert_allclose(output, torch_output.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert value == pytest.approx(torch_value.item(), rel=1e-13)
    np.testing.assert_allclose(dX, x.grad.numpy(), rtol=1e-10, atol=1e-17)
    linears = [m for m in twin if isinstance(m, torch.nn.Linear)]
    for dense, linear in zip(model.dense_layers(), linears, strict=True):
        np.testing.assert_allclose(dense.dW, linear.weight.grad.numpy(), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(dense.db, linear.bias.grad.numpy(), rtol=1e-10, atol=1e-15)
