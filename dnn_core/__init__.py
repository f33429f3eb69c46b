"""dnn_core: a deep-learning engine in pure NumPy, readable like a textbook.

    import numpy as np
    import dnn_core as dc

    trainer = dc.Trainer(dc.TrainConfig(dataset="spiral", hidden=(8, 8), optimizer="adam"))
    trainer.run_epochs(200)
    print(trainer.history.last["test_metric"])

Rows are samples (X has shape (n, features)); a Dense layer holds W (out, in) and b (out,).
Modules, one concept each: activations, layers, init, model, losses, regularization,
optimizers, schedules, datasets, features, data, metrics, steps (the textbook's nine
steps), gradcheck, history, trainer, snapshot, serialize.
"""
from . import (activations, data, datasets, features, init, layers, losses,
               metrics, model, optimizers, regularization, schedules, steps)
from .activations import ACTIVATIONS, get_activation
from .config import TrainConfig
from .data import Dataset, Standardizer, from_arrays, train_test_split
from .datasets import DATASETS, make
from .gradcheck import gradcheck
from .layers import Dense, Dropout
from .losses import LOSSES, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, get_loss
from .model import Sequential, build_mlp
from .optimizers import OPTIMIZERS, SGD, Adagrad, Adam, RMSprop, make_optimizer
from .schedules import SCHEDULES, make_schedule
from .serialize import load, save
from .trainer import StepRecord, Trainer

__all__ = [
    "ACTIVATIONS", "DATASETS", "LOSSES", "OPTIMIZERS", "SCHEDULES", "Adagrad", "Adam",
    "BCEWithLogitsLoss", "CrossEntropyLoss", "Dataset", "Dense", "Dropout", "MSELoss",
    "RMSprop", "SGD", "Sequential", "Standardizer", "StepRecord", "TrainConfig", "Trainer",
    "activations", "build_mlp", "data", "datasets", "features", "from_arrays", "get_activation",
    "get_loss", "gradcheck", "init", "layers", "load", "losses", "make", "make_optimizer",
    "make_schedule", "metrics", "model", "optimizers", "regularization", "save", "schedules",
    "steps", "train_test_split",
]
