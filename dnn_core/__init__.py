"""dnn_core: a deep-learning engine in pure NumPy, readable like a textbook.

    import numpy as np
    import dnn_core as dc

    trainer = dc.Trainer(dc.TrainConfig(dataset="spiral", hidden=(8, 8), optimizer="adam"))
    trainer.run_epochs(200)
    print(trainer.history.last["test_metric"])

Rows are samples (X has shape (n, features)); a Dense layer holds W (out, in) and b (out,).
Modules, one concept each: activations, layers, init, model, losses, regularization,
optimizers, schedules, datasets, features, data, prepare (a run's data as the network sees
it), head (the output activation, from the loss), metrics, steps (the textbook's nine
steps), gradcheck, history, divergence, recorder (keyframes of a run), trainer and
run_state (its keyframes, rewinds and saved state), snapshot,
landscape (the loss over a plane of weights), serialize.
"""
from . import (activations, data, datasets, features, init, landscape, layers, losses,
               metrics, model, optimizers, recorder, regularization, schedules, steps)
from .activations import ACTIVATIONS, get_activation
from .config import TrainConfig
from .data import Dataset, Standardizer, from_arrays, train_test_split
from .datasets import DATASETS, make
from .gradcheck import gradcheck
from .landscape import Landscape, loss_landscape
from .layers import Dense, Dropout
from .losses import LOSSES, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, get_loss
from .model import Sequential, build_mlp
from .optimizers import OPTIMIZERS, SGD, Adagrad, Adam, RMSprop, make_optimizer
from .recorder import Keyframe, Recorder
from .schedules import SCHEDULES, make_schedule
from .serialize import load, save
from .trainer import StepRecord, Trainer

__all__ = [
    "ACTIVATIONS", "DATASETS", "LOSSES", "OPTIMIZERS", "SCHEDULES", "Adagrad", "Adam",
    "BCEWithLogitsLoss", "CrossEntropyLoss", "Dataset", "Dense", "Dropout", "Keyframe",
    "Landscape", "MSELoss", "RMSprop", "Recorder", "SGD", "Sequential", "Standardizer",
    "StepRecord", "TrainConfig", "Trainer", "activations", "build_mlp", "data", "datasets",
    "features", "from_arrays", "get_activation", "get_loss", "gradcheck", "init", "landscape",
    "layers", "load", "loss_landscape", "losses", "make", "make_optimizer", "make_schedule",
    "metrics", "model", "optimizers", "recorder", "regularization", "save", "schedules",
    "steps", "train_test_split",
]
