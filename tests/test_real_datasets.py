"""The real datasets (Palmer penguins, Fisher's iris): the shipped files, the registry's
contract for them (scale, n, noise), their default networks, and the Playground on them."""
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from test_datasets import knn_agreement

from dnn_core import TrainConfig, Trainer, real_datasets
from dnn_core.data import Standardizer, make_dataset
from dnn_core.datasets import DATASETS, LIMIT, make
from ui import keys

REAL = [name for name, info in DATASETS.items() if info.kind == "real"]
APP = Path(__file__).resolve().parents[1] / "app.py"
# Test accuracy of each default network (its `suggested` settings) after 100 epochs,
# seeds 0-2: penguins 0.93-0.97, iris 0.96.
DEFAULT_NETWORK_ACCURACY = 0.9


def test_two_real_datasets_with_source_and_licence():
    assert REAL == ["penguins", "iris"]
    assert DATASETS["penguins"].licence == "CC0 1.0"
    assert "public domain" in DATASETS["iris"].licence.lower()
    for name in REAL:
        info = DATASETS[name]
        assert info.task == "multiclass" and info.n_classes == 3
        assert info.classes == real_datasets.SOURCES[name].classes
        assert all("(" in f for f in info.features)        # names with units


def test_files_ship_inside_the_package_with_their_provenance():
    folder = resources.files("dnn_core").joinpath("data_files")
    note = folder.joinpath("SOURCE.md").read_text("utf-8")
    for name in REAL:
        assert folder.joinpath(real_datasets.SOURCES[name].file).is_file()
    for needed in ("CC0 1.0", "Gorman", "Fisher (1936)", "sha256"):
        assert needed in note


def test_penguins_file_read_as_measured():
    X, y = real_datasets.load("penguins")
    assert X.shape == (342, 2) and y.dtype == np.int64      # 344 rows, 2 without bills
    assert np.bincount(y).tolist() == [151, 68, 123]         # Adelie, Chinstrap, Gentoo
    np.testing.assert_array_equal(X[0], (39.1, 18.7))
    assert X[:, 0].min() == 32.1 and X[:, 0].max() == 59.6


def test_iris_file_read_as_measured():
    X, y = real_datasets.load("iris")
    assert X.shape == (150, 2) and np.bincount(y).tolist() == [50, 50, 50]
    np.testing.assert_array_equal(X[0], (1.4, 0.2))           # petal length, width (cm)
    assert X[:, 0].max() == 6.9 and X[:, 1].max() == 2.5


@pytest.mark.parametrize("name", REAL)
def test_all_rows_mapped_into_the_square_and_standardized_as_measured(name):
    raw, labels = real_datasets.load(name)
    X, y = make(name, 10_000, 0.0, np.random.default_rng(0))
    assert len(X) == len(raw) == DATASETS[name].default_n
    assert X.min(axis=0).tolist() == [-5.0, -5.0] and X.max(axis=0).tolist() == [5.0, 5.0]
    assert np.bincount(y).tolist() == np.bincount(labels).tolist()
    # The map is affine per feature, so the standardized inputs are the measurements'.
    np.testing.assert_allclose(np.sort(Standardizer().fit(X).transform(X), axis=0),
                               np.sort(Standardizer().fit(raw).transform(raw), axis=0),
                               atol=1e-12)


@pytest.mark.parametrize("name", REAL)
def test_smaller_n_draws_real_rows_and_the_seed_decides_which(name):
    full = make(name, 10_000, 0.0, np.random.default_rng(0))[0]
    X, _ = make(name, 100, 0.0, np.random.default_rng(1))
    same, _ = make(name, 100, 0.0, np.random.default_rng(1))
    other, _ = make(name, 100, 0.0, np.random.default_rng(2))
    assert X.shape == (100, 2)
    assert all((full == row).all(axis=1).any() for row in X)   # real rows, none invented
    assert np.array_equal(X, same) and not np.array_equal(X, other)


@pytest.mark.parametrize("name", REAL)
def test_noise_jitters_the_measurements_inside_the_box(name):
    clean = make(name, 10_000, 0.0, np.random.default_rng(3))
    noisy = make(name, 10_000, 0.5, np.random.default_rng(3))
    assert np.abs(noisy[0]).max() <= LIMIT
    assert knn_agreement(*noisy) < knn_agreement(*clean) - 0.05


@pytest.mark.parametrize("name", REAL)
def test_the_dataset_carries_the_species_names(name):
    data = make_dataset(name, 500, 0.0, np.random.default_rng(0))
    assert data.classes == DATASETS[name].classes and data.source == "toy"


@pytest.mark.parametrize("name", REAL)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_default_network_learns_it(name, seed):
    trainer = Trainer(TrainConfig(dataset=name, seed=seed, **DATASETS[name].suggested))
    trainer.run_epochs(100)
    assert trainer.history.last["test_metric"] >= DEFAULT_NETWORK_ACCURACY


@pytest.mark.xdist_group("apptest")
@pytest.mark.parametrize("name", REAL)
def test_the_playground_opens_on_it_from_a_link_and_trains(name):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = name
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.button(key="pg_step").click().run()
    assert not at.exception, [e.message for e in at.exception]
    trainer = at.session_state[keys.TRAINER]
    assert trainer.config.dataset == name and trainer.epoch == 1
    assert trainer.dataset.classes == DATASETS[name].classes


def test_picking_a_real_dataset_brings_its_network_and_says_where_it_comes_from():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.button(key="dataset_penguins").click().run()
    assert not at.exception
    info = DATASETS["penguins"]
    trainer = at.session_state[keys.TRAINER]
    assert trainer.config.dataset == "penguins"
    assert trainer.config.hidden == tuple(info.suggested["hidden"])
    assert any(info.licence in c.value and "Palmer" in c.value for c in at.caption)
