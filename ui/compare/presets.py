"""The six presets: the course's comparisons (deeplearning.ai Course 2) as one link each.

A preset is base settings (URL names and texts, over the defaults), lanes (ui/compare/lanes
syntax), the epochs to run to and what to look for. Our data are the toy sets closest to
the course's (sklearn's circles and moons), so a preset reproduces the course's effect,
not its exact numbers.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    base: dict          # URL name -> text
    lanes: str
    epochs: int
    look_for: str
    course: str = ""    # the course's own numbers, where it has them


PRESETS = {p.name: p for p in (
    Preset("init", "Initialization", {
        "dataset": "circle", "noise": "5", "n": "400", "train": "75", "layers": "10,5",
        "activation": "relu", "optimizer": "sgd", "lr": "0.01", "batch": "all"},
        "init:zeros|init:large|init:he", 15_000,
        "Zeros never break the symmetry: every neuron of a layer learns the same thing, and "
        "the network stays a coin toss. Large random weights (×10) saturate the output and "
        "start with a huge loss; He initialization scales the weights to each layer's fan-in "
        "and learns the circle.",
        "Course (“Initialization”, 15,000 iterations): train accuracy 50 % (zeros), 83 % "
        "(large random ×10), 99 % (He)."),
    Preset("optimizers", "Optimizers", {
        "dataset": "moons", "noise": "20", "n": "400", "train": "75", "layers": "5,2",
        "activation": "relu", "init": "he", "lr": "0.0007", "batch": "64"},
        "optimizer:sgd|optimizer:momentum;momentum:0.9|optimizer:adam", 3_000,
        "At this small learning rate plain mini-batch gradient descent and momentum crawl; "
        "Adam's per-weight step sizes get there far sooner. Watch the test curves part "
        "within the first few hundred epochs.",
        "Course (“Optimization methods”, 10,000 epochs): accuracy 79.7 % (gradient descent), "
        "79.7 % (momentum), 94 % (Adam)."),
    Preset("regularization", "Regularization", {
        "dataset": "gauss", "noise": "50", "n": "120", "train": "50", "layers": "32,32",
        "activation": "relu", "init": "he", "optimizer": "adam", "lr": "0.01",
        "batch": "all"},
        "base|reg:l2;reg_rate:0.03|dropout:0.3", 1_500,
        "Sixty noisy points and a big network: without regularization the train accuracy "
        "reaches 100 % while the test loss turns up and keeps climbing (overfitting). L2 "
        "keeps the weights small and dropout makes neurons redundant: both give up a little "
        "train accuracy, or none, for a lower test loss and a better test accuracy.",
        "Course (“Regularization”): train / test accuracy 94.8 % / 91.5 % (none), "
        "93.8 % / 93 % (L2), 92.9 % / 95 % (dropout)."),
    Preset("activations", "Activations in a deep network", {
        "dataset": "circle", "layers": "8,8,8,8,8,8,8,8", "init": "xavier",
        "optimizer": "sgd", "lr": "0.03"},
        "activation:sigmoid|activation:tanh|activation:relu", 300,
        "Eight layers deep, sigmoid's gradients shrink by a factor of at least four per "
        "layer: the gradient-norm chart shows the first layers barely moving (vanishing "
        "gradients) and its loss stays flat. Tanh and ReLU pass gradients through and learn."),
    Preset("learning_rate", "Learning rate", {"dataset": "circle", "noise": "10"},
        "lr:0.001|lr:0.03|lr:1|lr:10", 300,
        "Too small crawls, a good rate learns, too big jumps about, and the largest blows up: "
        "that lane pauses with its message while the others go on. Reset brings it back."),
    Preset("features", "Features against depth", {
        "dataset": "spiral", "n": "500", "optimizer": "adam", "lr": "0.01", "batch": "20",
        "activation": "tanh"},
        "layers:8,8,8,8,8;features:x1,x2|layers:6;features:x1,x2,sinx1,sinx2", 500,
        "On the spiral a deep network on x1, x2 must build the curves itself; a shallow one "
        "given sin(x1) and sin(x2) gets them for free and learns sooner with fewer weights."),
)}
