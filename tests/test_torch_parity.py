"""The engine against PyTorch (float64): activations, losses and a whole network."""
import numpy as np
import pytest

from dnn_core.activations import ACTIVATIONS
from dnn_core.losses import get_loss
from dnn_core.model import build_mlp

torch = pytest.importorskip("torch")

TORCH_ACTIVATIONS = {
    "identity": lambda: torch.nn.Identity(),
    "relu": lambda: torch.nn.ReLU(),
    "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
    "elu": lambda: torch.nn.ELU(alpha=1.0),
    "gelu": lambda: torch.nn.GELU(approximate="tanh"),
    "silu": lambda: torch.nn.SiLU(),
    "tanh": lambda: torch.nn.Tanh(),
    "sigmoid": lambda: torch.nn.Sigmoid(),
    "softplus": lambda: torch.nn.Softplus(beta=1.0),
    "sine": lambda: torch.sin,
}


def tensor(array, grad=False):
    return torch.tensor(np.ascontiguousarray(array), dtype=torch.float64, requires_grad=grad)


def test_every_activation_has_a_torch_twin():
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_forward_and_backward_match_torch(name):
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((50, 4)) * 3
    Z[0, :2] = 0.0  # the kinks, where both take the same one-sided derivative
    dA = rng.standard_normal((50, 4))
    layer = ACTIVATIONS[name]()
    A = layer.forward(Z)
    dZ = layer.backward(dA)
    z = tensor(Z, grad=True)
    a = TORCH_ACTIVATIONS[name]()(z)
    a.backward(tensor(dA))
    np.testing.assert_allclose(A, a.detach().numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(dZ, z.grad.numpy(), rtol=1e-12, atol=1e-14)


LOSS_CASES = {
    "bce": (lambda rng: (rng.standard_normal((40, 1)) * 4, (rng.random((40, 1)) > 0.5) * 1.0),
            lambda: torch.nn.BCEWithLogitsLoss()),
    "ce": (lambda rng: (rng.standard_normal((40, 3)) * 4, rng.integers(0, 3, size=40)),
           lambda: torch.nn.CrossEntropyLoss()),
    "mse": (lambda rng: (rng.standard_normal((40, 2)), rng.standard_normal((40, 2))),
            lambda: torch.nn.MSELoss()),
}


@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_loss_value_and_gradient_match_torch(name):
    make_data, make_torch_loss = LOSS_CASES[name]
    output, target = make_data(np.random.default_rng(1))
    loss = get_loss(name)
    value = loss.forward(output, target)
    grad = loss.backward()
    out = tensor(output, grad=True)
    torch_target = torch.tensor(target) if name == "ce" else tensor(target)
    torch_value = make_torch_loss()(out, torch_target)
    torch_value.backward()
    assert value == pytest.approx(torch_value.item(), rel=1e-13)
    np.testing.assert_allclose(grad, out.grad.numpy(), rtol=1e-12, atol=1e-17)


def torch_twin(model, activation):
    """The same network in PyTorch, with our W (out, in) copied into nn.Linear.weight."""
    layers = []
    for i, dense in enumerate(model.dense_layers()):
        linear = torch.nn.Linear(dense.in_features, dense.out_features, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(dense.W))
            linear.bias.copy_(torch.from_numpy(dense.b))
        layers.append(linear)
        if i < len(model.dense_layers()) - 1:
            layers.append(TORCH_ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize("hidden, activation, loss_name, n_out", [
    ([8, 8], "tanh", "bce", 1),
    ([8, 8, 8, 8, 8, 8], "relu", "ce", 3),
    ([5, 4], "gelu", "mse", 2),
])
def test_whole_network_forward_and_backward_match_torch(hidden, activation, loss_name, n_out):
    rng = np.random.default_rng(2)
    model = build_mlp(2, hidden, activation, n_out, init="he", rng=rng)
    for dense in model.dense_layers():
        dense.b[...] = rng.normal(0, 0.1, size=dense.b.shape)
    X = rng.standard_normal((500, 2))
    target = {"bce": (X[:, :1] * X[:, 1:] > 0) * 1.0, "ce": rng.integers(0, 3, size=500),
              "mse": rng.standard_normal((500, 2))}[loss_name]
    loss = get_loss(loss_name)
    output = model.forward(X)
    value = loss.forward(output, target)
    model.backward(loss.backward())

    twin = torch_twin(model, activation)
    torch_output = twin(tensor(X))
    np.testing.assert_allclose(output, torch_output.detach().numpy(), rtol=1e-12, atol=1e-14)
    torch_target = torch.tensor(target) if loss_name == "ce" else tensor(target)
    torch_value = LOSS_CASES[loss_name][1]()(torch_output, torch_target)
    torch_value.backward()
    assert value == pytest.approx(torch_value.item(), rel=1e-13)
    linears = [m for m in twin if isinstance(m, torch.nn.Linear)]
    for dense, linear in zip(model.dense_layers(), linears, strict=True):
        np.testing.assert_allclose(dense.dW, linear.weight.grad.numpy(), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(dense.db, linear.bias.grad.numpy(), rtol=1e-10, atol=1e-15)
