"""Learning-rate schedules: the learning rate after `epoch` completed epochs.

A schedule is a callable `schedule(epoch) -> lr`; the trainer sets `optimizer.lr` from it
before every step, with `epoch` the number of completed epochs (so the rate changes at
epoch boundaries). `lr0` is the initial rate, `decay` the decay rate and `interval` the
period in epochs (step decay's stair width, cosine's length).

    constant      lr0
    inverse_time  lr0 / (1 + decay * e)
    step          lr0 / (1 + decay * floor(e / interval))     (the course's schedule_lr_decay)
    exponential   lr0 * exp(-decay * e)
    cosine        lr0 * 0.5 * (1 + cos(pi * min(e, interval) / interval))

Each class declares its `SETTINGS` (the ones it reads), `formula` and `worked` (the formula
with $slots: `$lr0`, `$epoch`, `$rate` and each setting); `register` checks them.
"""
import math

from .hyper import Hyper, check_rule

DECAY = Hyper("decay", "Decay rate", 0.0, 0.0, 10.0,
              (0.0, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
              "How fast the learning rate shrinks as the epochs pass: smaller late steps "
              "settle into a minimum instead of jumping around it.")
INTERVAL = Hyper("interval", "Interval (epochs)", 100, 1, 100_000, (),
                 "Epochs per stair (step decay) or until the rate reaches 0 (cosine).",
                 integer=True)


class Schedule:
    """Base: holds `lr0`, `decay`, `interval`; subclasses define `rate(epoch)`."""

    name = ""
    title = ""
    formula = ""
    worked = []
    SETTINGS = ()

    def __init__(self, lr0, decay=DECAY.default, interval=INTERVAL.default):
        if lr0 < 0 or decay < 0:
            raise ValueError(f"need lr0 >= 0 and decay >= 0, got lr0={lr0}, decay={decay}")
        if int(interval) != interval or interval < 1:
            raise ValueError(f"interval must be a whole number of epochs >= 1, got {interval}")
        self.lr0, self.decay, self.interval = float(lr0), float(decay), int(interval)

    def __call__(self, epoch):
        """The learning rate after `epoch` (int >= 0) completed epochs."""
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        return float(self.rate(epoch))

    def rate(self, epoch):
        raise NotImplementedError

    def __repr__(self):
        return (f"{type(self).__name__}(lr0={self.lr0}, decay={self.decay}, "
                f"interval={self.interval})")


class Constant(Schedule):
    name, title = "constant", "Constant"
    formula = r"\eta_e = \eta_0"
    worked = [r"\eta_{$epoch} = $lr0"]

    def rate(self, epoch):
        return self.lr0


class InverseTime(Schedule):
    name, title = "inverse_time", "Inverse time decay"
    formula = r"\eta_e = \frac{\eta_0}{1 + d\, e}"
    worked = [r"\eta_{$epoch} = \frac{$lr0}{1 + $decay \cdot $epoch} = $rate"]
    SETTINGS = (DECAY,)

    def rate(self, epoch):
        return self.lr0 / (1.0 + self.decay * epoch)


class StepDecay(Schedule):
    name, title = "step", "Step decay"
    formula = r"\eta_e = \frac{\eta_0}{1 + d\, \lfloor e / T \rfloor}"
    worked = [r"\eta_{$epoch} = \frac{$lr0}{1 + $decay \cdot \lfloor $epoch / $interval "
              r"\rfloor} = $rate"]
    SETTINGS = (DECAY, INTERVAL)

    def rate(self, epoch):
        return self.lr0 / (1.0 + self.decay * (epoch // self.interval))


class Exponential(Schedule):
    name, title = "exponential", "Exponential decay"
    formula = r"\eta_e = \eta_0 \exp(-d\, e)"
    worked = [r"\eta_{$epoch} = $lr0 \cdot \exp(-$decay \cdot $epoch) = $rate"]
    SETTINGS = (DECAY,)

    def rate(self, epoch):
        return self.lr0 * math.exp(-self.decay * epoch)


class Cosine(Schedule):
    name, title = "cosine", "Cosine annealing"
    formula = r"\eta_e = \frac{\eta_0}{2} \left(1 + \cos\frac{\pi \min(e, T)}{T}\right)"
    worked = [r"\eta_{$epoch} = \frac{$lr0}{2} \left(1 + \cos\frac{\pi \min($epoch, "
              r"$interval)}{$interval}\right) = $rate"]
    SETTINGS = (INTERVAL,)

    def rate(self, epoch):
        progress = min(epoch, self.interval) / self.interval
        return self.lr0 * 0.5 * (1.0 + math.cos(math.pi * progress))


SCHEDULES = {}


def register(cls):
    """Add schedule class `cls` to `SCHEDULES` (TypeError when its rule is missing or
    names a slot nobody fills); returns it."""
    check_rule(cls, "schedule", ("lr0", "epoch", "rate", *(h.name for h in cls.SETTINGS)))
    SCHEDULES[cls.name] = cls
    return cls


for _cls in (Constant, InverseTime, StepDecay, Exponential, Cosine):
    register(_cls)


def all_settings():
    """Every registered schedule's settings by name."""
    return {h.name: h for cls in SCHEDULES.values() for h in cls.SETTINGS}


def make_schedule(name, lr0, **settings):
    """The schedule registered as `name`, starting at `lr0`, given the settings it reads
    (others are ignored)."""
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}: choose one of {sorted(SCHEDULES)}")
    return SCHEDULES[name](lr0, **{h.name: settings[h.name] for h in SCHEDULES[name].SETTINGS
                                   if h.name in settings})
