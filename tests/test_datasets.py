"""Datasets: registry, shapes, determinism, TF Playground's semantics, noise, separability.

The real datasets share the registry tests here; their own are in test_real_datasets.py."""
import numpy as np
import pytest

from dnn_core import datasets
from dnn_core.datasets import DATASETS, make

NAMES = list(DATASETS)
TOYS = [name for name, info in DATASETS.items() if info.kind == "toy"]
CLASSIFIERS = [name for name in TOYS if DATASETS[name].task != "regression"]


def rng(seed=0):
    return np.random.default_rng(seed)


def knn_agreement(X, y, k=5):
    """Leave-one-out k-nearest-neighbour vote accuracy: high when the classes do not overlap."""
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    neighbours = y[np.argsort(d, axis=1)[:, :k]]
    votes = np.stack([(neighbours == c).sum(axis=1) for c in range(y.max() + 1)], axis=1)
    return float((votes.argmax(axis=1) == y).mean())


def test_registry_order_and_fields():
    assert NAMES == ["circle", "xor", "gauss", "spiral", "plane", "multigauss",
                     "moons", "flower", "blobs3", "spiral3", "penguins", "iris"]
    assert [DATASETS[n].kind for n in NAMES] == ["toy"] * 10 + ["real"] * 2
    expected = {"binary": 2, "multiclass": 3, "regression": 1}
    for name, info in DATASETS.items():
        assert info.name == name and info.title and info.description
        assert info.n_classes == expected[info.task]
        assert info.default_n > 0
        assert info.source and (info.licence or info.kind == "toy")
        assert len(info.features) == 2 and len(info.classes) in (0, info.n_classes)
    assert [DATASETS[n].task for n in ("plane", "multigauss")] == ["regression"] * 2
    assert [DATASETS[n].task for n in ("blobs3", "spiral3")] == ["multiclass"] * 2
    assert datasets.DOMAIN == (-6.0, 6.0)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown dataset 'ring'; valid: circle, xor, gauss"):
        make("ring", 10, 0.0, rng())


@pytest.mark.parametrize("n, noise", [(0, 0.0), (10, -0.1), (10, 0.6), (2.5, 0.0)])
def test_bad_size_or_noise_raises(n, noise):
    with pytest.raises(ValueError):
        make("circle", n, noise, rng())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_shapes_dtypes_range(name, noise):
    info = DATASETS[name]
    X, y = make(name, 301, noise, rng(3))
    rows = min(301, info.default_n) if info.kind == "real" else 301
    assert X.shape == (rows, 2) and X.dtype == np.float64 and X.flags.c_contiguous
    assert y.shape == (rows,)
    assert np.abs(X).max() <= datasets.LIMIT
    if info.task == "regression":
        assert y.dtype == np.float64
        assert -1.0 <= y.min() < 0 < y.max() <= 1.0
    else:
        assert y.dtype == np.int64
        assert set(np.unique(y)) == set(range(info.n_classes))


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classes_balanced_and_rows_shuffled(name):
    k = DATASETS[name].n_classes
    y = make(name, 301, 0.0, rng())[1]
    assert sorted(np.bincount(y, minlength=k)) == sorted(301 // k + (c < 301 % k) for c in range(k))
    assert len(set(y[:30])) > 1            # not grouped by class


@pytest.mark.parametrize("name", ["gauss", "spiral", "moons", "flower", "blobs3", "spiral3"])
def test_generating_class_is_the_label_so_noise_keeps_balance(name):
    k = DATASETS[name].n_classes
    y = make(name, 300, 0.5, rng())[1]
    assert np.bincount(y).tolist() == [300 // k] * k


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    X1, y1 = make(name, 200, 0.2, rng(7))
    X2, y2 = make(name, 200, 0.2, rng(7))
    X3, _ = make(name, 200, 0.2, rng(8))
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", [name for name in CLASSIFIERS if name != "flower"])
def test_classes_barely_overlap_at_noise_zero(name):
    X, y = make(name, 400, 0.0, rng(1))
    assert knn_agreement(X, y) >= 0.97


def test_flower_petals_are_disjoint_sectors_at_noise_zero():
    # Petals touch near the origin (nearest neighbours mix there), but each 45-degree
    # sector belongs to one class: class 0 in sectors 0, 2, 5, 7 (angle from the x2 axis).
    X, y = make("flower", 800, 0.0, rng(1))
    sector = np.floor(np.mod(np.arctan2(X[:, 0], X[:, 1]), 2 * np.pi) / (np.pi / 4))
    assert np.array_equal(y == 0, np.isin(sector, [0, 2, 5, 7]))
    assert 4.9 < np.hypot(X[:, 0], X[:, 1]).max() <= 5.0


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_noise_makes_classes_overlap(name):
    clean = knn_agreement(*make(name, 400, 0.0, rng(2)))
    noisy = knn_agreement(*make(name, 400, 0.5, rng(2)))
    assert noisy < clean - 0.02     # TF Playground's spiral jitter is mild (0.96 vs 0.99)


@pytest.mark.parametrize("name", ["plane", "multigauss"])
def test_noise_makes_targets_rougher(name):
    def roughness(X, y):       # mean |y - y of nearest neighbour|
        d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
        np.fill_diagonal(d, np.inf)
        return np.abs(y - y[d.argmin(axis=1)]).mean()
    assert roughness(*make(name, 400, 0.5, rng())) > 2 * roughness(*make(name, 400, 0.0, rng()))


def test_circle_tfp_radii_and_shifted_label():
    X, y = make("circle", 600, 0.0, rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 2.5 and 3.5 <= r[y == 0].min() and r.max() <= 5
    X, y = make("circle", 600, 0.5, rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert (y[r < 2.5] == 0).any()       # label read at the noise-shifted point: some flip
    assert (y[r > 3.5] == 1).any()


def test_xor_gap_at_axes_and_sign_label():
    X, y = make("xor", 600, 0.0, rng())
    assert np.abs(X).min() >= 0.3 and np.abs(X).max() <= 5.3
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))


def test_gauss_centres_and_variance_mapping():
    for noise, variance in [(0.0, 0.5), (0.25, 2.25)]:
        X, y = make("gauss", 4000, noise, rng())
        assert np.allclose(X[y == 1].mean(axis=0), (2, 2), atol=0.1)
        assert np.allclose(X[y == 0].mean(axis=0), (-2, -2), atol=0.1)
        assert np.allclose(X[y == 1].var(axis=0), variance, rtol=0.1)


def test_spiral_arms_reach_radius_five():
    X, y = make("spiral", 500, 0.0, rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert 4.9 < r.max() <= 5.0 and r.min() == 0.0
    X_noisy, _ = make("spiral", 500, 0.5, rng())
    assert np.abs(X_noisy).max() <= 5.5


def test_plane_target_is_scaled_sum():
    X, y = make("plane", 300, 0.0, rng())
    assert np.allclose(y, (X[:, 0] + X[:, 1]) / 10)


def test_multigauss_bump_signs():
    X, y = make("multigauss", 3000, 0.0, rng())
    for cx, cy, sign in [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                         (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]:
        near = np.hypot(X[:, 0] - cx, X[:, 1] - cy) < 0.4
        assert near.any() and np.all(np.sign(y[near]) == sign) and np.abs(y[near]).min() > 0.9


def test_three_class_sets_have_three_groups():
    X, y = make("blobs3", 900, 0.0, rng())
    centres = np.array([X[y == c].mean(axis=0) for c in range(3)])
    assert np.allclose(np.hypot(centres[:, 0], centres[:, 1]), 3.0, atol=0.15)
