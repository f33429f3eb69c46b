"""Optimizers: one exact step each, golden trajectories, parity with torch.optim, state."""
import json
import math

import numpy as np
import pytest

from dnn_core import hyper, optimizers
from dnn_core.optimizers import OPTIMIZERS, SGD, Adagrad, Adam, RMSprop, make_optimizer
from dnn_core.params import Param

SHAPES_2_8_8_1 = [(8, 2), (8,), (8, 8), (8,), (1, 8), (1,)]


def param(value, grad=None, name="w", decay=True):
    p = Param(name, np.array(value, dtype=np.float64), decay=decay)
    if grad is not None:
        p.grad[...] = grad
    return p


def net_params(rng):
    return [param(rng.normal(size=s), name=f"p{i}", decay=len(s) == 2)
            for i, s in enumerate(SHAPES_2_8_8_1)]


def one_step(opt_cls, **kwargs):
    p = param([1.0, -2.0], [0.5, -1.0])
    opt_cls([p], **kwargs).step()
    return p.value


# One step, exact values ---------------------------------------------------------------------

def test_sgd_one_step_exact():
    np.testing.assert_array_equal(one_step(SGD, lr=0.5), [0.75, -1.5])


def test_momentum_first_step_is_plain_sgd_and_velocity_is_the_gradient():
    p = param([1.0, -2.0], [0.5, -1.0])
    opt = SGD([p], lr=0.5, momentum=0.5)
    opt.step()
    np.testing.assert_array_equal(p.value, [0.75, -1.5])
    np.testing.assert_array_equal(opt.state()["velocity"][0], [0.5, -1.0])


def test_nesterov_one_step_exact():
    # v = g; step along g + mu*v = 1.5 g
    np.testing.assert_array_equal(one_step(SGD, lr=0.5, momentum=0.5, nesterov=True),
                                  [0.625, -1.25])


def test_rmsprop_one_step_defaults():
    # s = 0.01 g^2 = [0.0025, 0.01]; w -= 0.01 g / (sqrt(s) + 1e-8)
    np.testing.assert_allclose(one_step(RMSprop), [0.900000019999996, -1.900000009999999],
                               rtol=0, atol=1e-15)


def test_adam_one_step_defaults():
    # m_hat = g, v_hat = g^2, so w -= 0.001 g / (|g| + 1e-8)
    np.testing.assert_allclose(one_step(Adam), [0.99900000002, -1.99900000001],
                               rtol=0, atol=1e-15)


def test_adagrad_one_step_defaults():
    # s = g^2, so w -= 0.01 g / (|g| + 1e-10)
    np.testing.assert_allclose(one_step(Adagrad), [0.990000000002, -1.990000000001],
                               rtol=0, atol=1e-15)


# Golden trajectories on f(w) = 0.5 * a * w^2 (g = a * w), against scalar loops --------------

CURVATURES = [0.5, 1.0, 3.0]
START = [1.0, -2.0, 0.5]
STEPS = 12


def trajectory(opt, p):
    path = []
    for _ in range(STEPS):
        p.grad[...] = np.multiply(CURVATURES, p.value)
        opt.step()
        path.append(p.value.copy())
    return np.array(path)


def scalar_paths(update):
    """Run `update(w, g, state) -> w` per coordinate with plain floats; (STEPS, 3)."""
    paths = []
    for a, w in zip(CURVATURES, START):
        state, path = {}, []
        for _ in range(STEPS):
            w = update(w, a * w, state)
            path.append(w)
        paths.append(path)
    return np.array(paths).T


def test_momentum_golden_trajectory():
    lr, mu = 0.1, 0.9

    def update(w, g, s):
        s["v"] = mu * s.get("v", 0.0) + g
        return w - lr * s["v"]

    p = param(START)
    np.testing.assert_allclose(trajectory(SGD([p], lr, momentum=mu), p), scalar_paths(update),
                               rtol=1e-13, atol=1e-15)


def test_nesterov_golden_trajectory():
    lr, mu = 0.1, 0.9

    def update(w, g, s):
        s["v"] = mu * s.get("v", 0.0) + g
        return w - lr * (g + mu * s["v"])

    p = param(START)
    got = trajectory(SGD([p], lr, momentum=mu, nesterov=True), p)
    np.testing.assert_allclose(got, scalar_paths(update), rtol=1e-13, atol=1e-15)


def test_rmsprop_golden_trajectory():
    lr, alpha, eps = 0.01, 0.9, 1e-8

    def update(w, g, s):
        s["s"] = alpha * s.get("s", 0.0) + (1 - alpha) * g * g
        return w - lr * g / (math.sqrt(s["s"]) + eps)

    p = param(START)
    got = trajectory(RMSprop([p], lr, alpha=alpha, eps=eps), p)
    np.testing.assert_allclose(got, scalar_paths(update), rtol=1e-13, atol=1e-15)


def test_adam_golden_trajectory_with_bias_correction():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8

    def update(w, g, s):
        t = s["t"] = s.get("t", 0) + 1
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
        return w - lr * m_hat / (math.sqrt(v_hat) + eps)

    p = param(START)
    expected = scalar_paths(update)
    # Bias correction makes the first step lr * sign(g) (up to eps), whatever the curvature.
    np.testing.assert_allclose(expected[0], np.subtract(START, 0.1 * np.sign(START)), atol=1e-8)
    got = trajectory(Adam([p], lr, betas=(b1, b2), eps=eps), p)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


def test_adagrad_golden_trajectory():
    lr, eps = 0.3, 1e-10

    def update(w, g, s):
        s["s"] = s.get("s", 0.0) + g * g
        return w - lr * g / (math.sqrt(s["s"]) + eps)

    p = param(START)
    got = trajectory(Adagrad([p], lr, eps=eps), p)
    np.testing.assert_allclose(got, scalar_paths(update), rtol=1e-13, atol=1e-15)


# Parity with PyTorch ------------------------------------------------------------------------

def torch_optimizer(torch, name, tensors, lr):
    optim = torch.optim
    return {
        "sgd": lambda: optim.SGD(tensors, lr=lr),
        "momentum": lambda: optim.SGD(tensors, lr=lr, momentum=0.8),
        "nesterov": lambda: optim.SGD(tensors, lr=lr, momentum=0.8, nesterov=True),
        "rmsprop": lambda: optim.RMSprop(tensors, lr=lr, alpha=0.95, eps=1e-6),
        "adam": lambda: optim.Adam(tensors, lr=lr, betas=(0.8, 0.99), eps=1e-6),
        "adagrad": lambda: optim.Adagrad(tensors, lr=lr, eps=1e-6),
    }[name]()


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_parity_with_torch_over_20_steps(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    params = net_params(rng)
    tensors = [torch.tensor(p.value.copy(), dtype=torch.float64) for p in params]
    ours = make_optimizer(name, params, lr=0.05, momentum=0.8, alpha=0.95, beta1=0.8, beta2=0.99,
                          eps=1e-6)
    theirs = torch_optimizer(torch, name, tensors, lr=0.05)
    for step in range(20):
        lr = 0.05 if step < 10 else 0.02
        ours.lr = lr
        for group in theirs.param_groups:
            group["lr"] = lr
        for p, t in zip(params, tensors):
            p.grad[...] = rng.normal(size=p.value.shape)
            t.grad = torch.tensor(p.grad.copy(), dtype=torch.float64)
        ours.step()
        theirs.step()
    for p, t in zip(params, tensors):
        np.testing.assert_allclose(p.value, t.detach().numpy(), rtol=1e-12, atol=1e-12)


# Behaviour ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_step_updates_in_place_and_lr_change_takes_effect(name):
    params = net_params(np.random.default_rng(1))
    arrays = [p.value for p in params]
    before = [a.copy() for a in arrays]
    opt = make_optimizer(name, params, lr=0.1)
    for p in params:
        p.grad.fill(1.0)
    opt.step()
    assert all(p.value is a for p, a in zip(params, arrays))
    assert all(not np.array_equal(a, b) for a, b in zip(arrays, before))
    frozen = [a.copy() for a in arrays]
    opt.lr = 0.0
    opt.step()
    for a, b in zip(arrays, frozen):
        np.testing.assert_array_equal(a, b)


def test_lr_change_between_steps_exact():
    p = param([1.0], [0.5])
    opt = SGD([p], lr=0.5)
    opt.step()
    opt.lr = 0.25
    opt.step()
    np.testing.assert_array_equal(p.value, [1.0 - 0.25 - 0.125])


def test_new_optimizer_over_same_params_keeps_values():
    params = net_params(np.random.default_rng(2))
    first = Adam(params, lr=0.1)
    for p in params:
        p.grad.fill(0.3)
    for _ in range(3):
        first.step()
    trained = [p.value.copy() for p in params]
    second = SGD(params, lr=0.5, momentum=0.9)
    for p, w in zip(params, trained):
        np.testing.assert_array_equal(p.value, w)
    second.step()
    for p, w in zip(params, trained):
        np.testing.assert_array_equal(p.value, w - 0.5 * 0.3)


def test_zero_grad_fills_in_place():
    p = param([1.0, 2.0], [3.0, 4.0])
    grad = p.grad
    SGD([p], lr=0.1).zero_grad()
    assert p.grad is grad
    np.testing.assert_array_equal(grad, [0.0, 0.0])


def test_state_names_and_adam_bias_corrected_state():
    p = param([1.0, -2.0], [0.5, -1.0])
    assert SGD([p], 0.1).state() == {}
    assert set(SGD([p], 0.1, momentum=0.9).state()) == {"velocity"}
    assert set(RMSprop([p]).state()) == {"square_avg"}
    assert set(Adagrad([p]).state()) == {"sum"}
    adam = Adam([p], betas=(0.5, 0.75))
    adam.step()
    adam.step()
    state = adam.state()
    assert state["t"] == 2
    # m = 0.25 g + 0.5 g after two equal gradients; m_hat = m / (1 - 0.25) = g
    np.testing.assert_allclose(state["m"][0], [0.375, -0.75], rtol=1e-15)
    np.testing.assert_allclose(state["m_hat"][0], [0.5, -1.0], rtol=1e-15)
    np.testing.assert_allclose(state["v_hat"][0], [0.25, 1.0], rtol=1e-15)
    state["m"][0][...] = 99.0
    assert adam.state()["m"][0][0] == 0.375


def test_state_is_split_per_parameter_with_its_shape():
    params = net_params(np.random.default_rng(3))
    opt = RMSprop(params)
    for p in params:
        p.grad[...] = 2.0
    opt.step()
    squares = opt.state()["square_avg"]
    assert [s.shape for s in squares] == SHAPES_2_8_8_1
    for s in squares:
        np.testing.assert_allclose(s, 0.01 * 4.0, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_dict_round_trip_continues_identically(name):
    rng = np.random.default_rng(4)
    params_a = net_params(rng)
    params_b = [param(p.value.copy(), name=p.name) for p in params_a]
    grads = [[rng.normal(size=s) for s in SHAPES_2_8_8_1] for _ in range(6)]
    a = make_optimizer(name, params_a, lr=0.05)
    for g in grads[:3]:
        for p, gi in zip(params_a, g):
            p.grad[...] = gi
        a.step()
    saved = a.state_dict()
    arrays = {k: [x.copy() for x in v] for k, v in saved.items() if isinstance(v, list)}
    scalars = {k: v for k, v in saved.items() if k not in arrays}
    assert all(isinstance(x, np.ndarray) for v in arrays.values() for x in v)
    saved = {**json.loads(json.dumps(scalars)), **arrays}  # as a file would store them
    for p, q in zip(params_a, params_b):
        q.value[...] = p.value
    b = make_optimizer(name, params_b, lr=1.0)
    b.load_state_dict(saved)
    assert b.lr == 0.05
    for g in grads[3:]:
        for opt, ps in ((a, params_a), (b, params_b)):
            for p, gi in zip(ps, g):
                p.grad[...] = gi
            opt.step()
    for p, q in zip(params_a, params_b):
        np.testing.assert_array_equal(p.value, q.value)


def test_load_state_dict_rejects_other_optimizer_or_shapes():
    p = param([1.0, 2.0])
    with pytest.raises(ValueError, match="adam"):
        RMSprop([p]).load_state_dict(Adam([p]).state_dict())
    saved = RMSprop([p]).state_dict()
    saved["square_avg"] = [np.zeros(3)]
    with pytest.raises(ValueError, match="shape"):
        RMSprop([p]).load_state_dict(saved)


# Registry -----------------------------------------------------------------------------------

def test_registry_names_round_trip_and_each_class_builds_from_its_settings():
    assert set(OPTIMIZERS) >= {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad"}
    for name, cls in OPTIMIZERS.items():
        values = {h.name: h.lo + (h.hi - h.lo) / 3 for h in cls.SETTINGS}
        opt = make_optimizer(name, [param([1.0])], lr=0.1, **values, unused=1.0)
        assert opt.name == cls.name == name and isinstance(opt, cls) and opt.title
        assert {h.name: getattr(opt, h.name) for h in cls.SETTINGS} == values
        assert hyper.slots(cls.worked) <= set(optimizers.rule_slots(cls))
    nesterov = SGD([param([1.0])], 0.1, momentum=0.9, nesterov=True)
    assert (nesterov.formula, nesterov.worked, nesterov.SETTINGS) == (
        OPTIMIZERS["nesterov"].formula, OPTIMIZERS["nesterov"].worked,
        OPTIMIZERS["nesterov"].SETTINGS)


def test_make_optimizer_passes_settings_and_keeps_default_eps():
    p = [param([1.0])]
    assert make_optimizer("momentum", p, 0.1, momentum=0.5).momentum == 0.5
    assert make_optimizer("nesterov", p, 0.1).nesterov
    assert make_optimizer("rmsprop", p, 0.1, alpha=0.9).alpha == 0.9
    assert make_optimizer("adam", p, 0.1, beta1=0.5, beta2=0.6).betas == (0.5, 0.6)
    assert make_optimizer("adam", p, 0.1).eps == 1e-8
    assert make_optimizer("adagrad", p, 0.1).eps == 1e-10
    assert make_optimizer("adagrad", p, 0.1, eps=1e-6).eps == 1e-6


def test_bad_names_and_settings_raise_clear_errors():
    with pytest.raises(ValueError, match="adagrad.*sgd"):
        make_optimizer("adamw", [param([1.0])], 0.1)
    with pytest.raises(ValueError, match="momentum"):
        SGD([param([1.0])], 0.1, nesterov=True)
    with pytest.raises(ValueError, match="learning rate"):
        SGD([param([1.0])], -0.1)
    with pytest.raises(ValueError, match="no parameters"):
        Adam([])


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_deep_copied_optimizer_updates_its_own_parameters_exactly(name):
    import copy

    rng = np.random.default_rng(4)
    params = [Param("W", rng.normal(size=(3, 2))), Param("b", rng.normal(size=3), decay=False)]
    for p in params:
        p.grad[...] = rng.normal(size=p.value.shape)
    opt = make_optimizer(name, params, 0.1)
    opt.step()
    twin = copy.deepcopy(opt)
    for p in params:
        p.grad[...] *= -2.0
    for p, q in zip(opt.params, twin.params):
        q.grad[...] = p.grad
    opt.step()
    twin.step()
    for p, q in zip(opt.params, twin.params):
        np.testing.assert_array_equal(p.value, q.value)
