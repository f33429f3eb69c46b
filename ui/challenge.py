"""A classroom challenge: a target to reach, under limits on the network and the time.

Its text form is the `challenge` URL parameter, a comma list of name:number terms:

    test_loss:0.1,neurons:6   ->  "Reach a test loss below 0.1 with at most 6 hidden neurons."

Targets (at least one): test_loss, train_loss (below), test_acc (percent, at least;
classification only). Limits: neurons (hidden neurons in all), layers (hidden layers),
inputs (input features), epochs (reached within that many epochs).
The challenge is met at the first recorded epoch where every target holds at once, if the
current network keeps within every limit. No Streamlit here: `ChallengeKind` is the
schema's kind for the parameter (parse, format, allowed), `check` reads a trainer.
"""
from dataclasses import dataclass

import numpy as np

TARGETS = {"test_loss": "a test loss below {}", "train_loss": "a training loss below {}",
           "test_acc": "a test accuracy of at least {}%"}
LIMITS = {"neurons": "hidden neuron", "layers": "hidden layer", "inputs": "input feature",
          "epochs": "epoch"}
ORDER = (*TARGETS, *LIMITS)


def _number(value):
    """Shortest text that reads back as the same number: 0.1, 6, 1e-05."""
    text = f"{value:.15g}"
    return text if float(text) == value else repr(value)


def parse(text):
    """'test_loss:0.1,neurons:6' -> (('test_loss', 0.1), ('neurons', 6)), in ORDER.
    '' -> () (no challenge). ValueError when a term is unknown, repeated or out of range."""
    terms = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, number = (piece.strip().lower() for piece in item.partition(":"))
        if name not in ORDER or name in terms:
            raise ValueError(f"{item!r}: unknown or repeated term")
        value = float(number)
        if name in LIMITS:
            if not value.is_integer() or value < 1:
                raise ValueError(f"{item!r}: a limit is a whole number of at least 1")
            value = int(value)
        elif not 0 < value < np.inf or (name == "test_acc" and value > 100):
            raise ValueError(f"{item!r}: out of range")
        terms[name] = value
    if terms and not set(terms) & set(TARGETS):
        raise ValueError("a challenge needs a target: test_loss, train_loss or test_acc")
    return tuple((name, terms[name]) for name in ORDER if name in terms)


def format_challenge(challenge):
    return ",".join(f"{name}:{_number(value)}" for name, value in challenge)


class ChallengeKind:
    """The schema kind of the `challenge` parameter (value: a tuple of (name, number))."""

    allowed = ("a comma list of name:number with a target (test_loss, train_loss, test_acc) "
               "and optional limits (neurons, layers, inputs, epochs)")
    parse = staticmethod(parse)
    format = staticmethod(format_challenge)


def _limit(name, value):
    """'at most 6 hidden neurons', 'at most 1 hidden layer', 'within 500 epochs'."""
    count = f"{value} {LIMITS[name]}{'' if value == 1 else 's'}"
    return f"within {count}" if name == "epochs" else f"at most {count}"


def describe(challenge):
    """One sentence for the student: 'Reach a test loss below 0.1 with at most 6 hidden
    neurons.'"""
    terms = dict(challenge)
    targets = [TARGETS[n].format(_number(v)) for n, v in challenge if n in TARGETS]
    limits = [_limit(n, v) for n, v in challenge if n in LIMITS and n != "epochs"]
    sentence = "Reach " + " and ".join(targets)
    if limits:
        sentence += " with " + ", ".join(limits)
    if "epochs" in terms:
        sentence += " " + _limit("epochs", terms["epochs"])
    return sentence + "."


@dataclass(frozen=True)
class Progress:
    met_epoch: int | None     # first recorded epoch where every target held, or None
    checks: tuple             # (sentence, ok) per term, for display


def _target_rows(name, value, hist, task):
    """(rows where target `name` holds, the latest value as text)."""
    if name == "test_acc":
        if task == "regression":
            return np.zeros(len(hist["epoch"]), bool), "accuracy does not apply to regression"
        acc = 100 * hist["test_metric"]
        return acc >= value, f"now {acc[-1]:.1f}%"
    loss = hist[name]
    return loss < value, f"now {loss[-1]:.4g}"


def check(challenge, trainer):
    """How the trainer's current run stands against `challenge` (a parsed tuple)."""
    hist, config = trainer.history.arrays(), trainer.config
    sizes = {"neurons": sum(config.hidden), "layers": len(config.hidden),
             "inputs": len(config.features)}
    within = np.ones(len(hist["epoch"]), bool)
    checks, limits_ok = [], True
    for name, value in challenge:
        if name in LIMITS and name != "epochs":
            ok = sizes[name] <= value
            limits_ok &= ok
            checks.append((f"{_limit(name, value)} (now {sizes[name]})", ok))
        elif name == "epochs":
            within = hist["epoch"] <= value
    all_rows = within.copy()
    for name, value in challenge:
        if name in TARGETS:
            rows, now = _target_rows(name, value, hist, trainer.task)
            all_rows &= rows
            checks.append((f"{TARGETS[name].format(_number(value))} ({now})",
                           bool((rows & within).any())))
    if "epochs" in dict(challenge):
        limit = dict(challenge)["epochs"]
        checks.append((f"{_limit('epochs', limit)} (epoch {trainer.epoch} now)",
                       bool(all_rows.any()) or trainer.epoch <= limit))
    hits = np.flatnonzero(all_rows)
    met = int(hist["epoch"][hits[0]]) if limits_ok and len(hits) else None
    return Progress(met, tuple(checks))
