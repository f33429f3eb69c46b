"""Learning-rate schedules: the learning rate after `epoch` completed epochs.

A schedule is a callable `schedule(epoch) -> lr`; the trainer sets `optimizer.lr` from it
at each epoch boundary. `lr0` is the initial rate, `decay` the decay rate and `interval`
the period in epochs (step decay's stair width, cosine's length).

    constant      lr0
    inverse_time  lr0 / (1 + decay * e)
    step          lr0 / (1 + decay * floor(e / interval))     (the course's schedule_lr_decay)
    exponential   lr0 * exp(-decay * e)
    cosine        lr0 * 0.5 * (1 + cos(pi * min(e, interval) / interval))
"""
import math


class Schedule:
    """Base: holds `lr0`, `decay`, `interval`; subclasses define `rate(epoch)`."""

    name = ""
    title = ""
    formula = ""

    def __init__(self, lr0, decay=0.0, interval=100):
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

    def rate(self, epoch):
        return self.lr0


class InverseTime(Schedule):
    name, title = "inverse_time", "Inverse time decay"
    formula = r"\eta_e = \frac{\eta_0}{1 + d\, e}"

    def rate(self, epoch):
        return self.lr0 / (1.0 + self.decay * epoch)


class StepDecay(Schedule):
    name, title = "step", "Step decay"
    formula = r"\eta_e = \frac{\eta_0}{1 + d\, \lfloor e / T \rfloor}"

    def rate(self, epoch):
        return self.lr0 / (1.0 + self.decay * (epoch // self.interval))


class Exponential(Schedule):
    name, title = "exponential", "Exponential decay"
    formula = r"\eta_e = \eta_0 \exp(-d\, e)"

    def rate(self, epoch):
        return self.lr0 * math.exp(-self.decay * epoch)


class Cosine(Schedule):
    name, title = "cosine", "Cosine annealing"
    formula = r"\eta_e = \frac{\eta_0}{2} \left(1 + \cos\frac{\pi \min(e, T)}{T}\right)"

    def rate(self, epoch):
        progress = min(epoch, self.interval) / self.interval
        return self.lr0 * 0.5 * (1.0 + math.cos(math.pi * progress))


SCHEDULES = {cls.name: cls for cls in (Constant, InverseTime, StepDecay, Exponential, Cosine)}


def make_schedule(name, lr0, decay=0.0, interval=100):
    """The schedule registered as `name`, starting at `lr0`."""
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}: choose one of {sorted(SCHEDULES)}")
    return SCHEDULES[name](lr0, decay, interval)
