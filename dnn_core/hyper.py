"""A hyper-parameter of an optimizer or a schedule, declared once beside its rule.

`Hyper` is everything the app needs to offer, validate and explain one setting: its name
(also its URL name and its TrainConfig field or option), title, default, allowed range
and the steps a slider offers, and a one-line help that says what it does to training.

An update rule is written twice in LaTeX: `formula` (the symbols) and `worked` (the same
lines with `$slots` filled with this step's numbers, `string.Template` syntax since LaTeX
uses braces). `check_rule` refuses a class whose rule is missing or names a slot nobody
fills, so a new optimizer fails at registration, not on the Under-the-hood page.
"""
from dataclasses import dataclass
from string import Template


@dataclass(frozen=True)
class Hyper:
    name: str
    title: str
    default: object
    lo: float
    hi: float
    steps: tuple = ()      # a slider's stops (empty: a number box from lo to hi)
    help: str = ""
    integer: bool = False


def slots(lines):
    """The `$slot` names used by LaTeX template lines."""
    return {name for line in lines for name in Template(line).get_identifiers()}


def check_rule(cls, family, known):
    """Raise TypeError unless `cls` declares a name, a title, a `formula` and `worked`
    lines whose slots are all in `known` (the names its walk-through can fill)."""
    missing = [attr for attr in ("name", "title", "formula", "worked")
               if not getattr(cls, attr, None)]
    if missing:
        raise TypeError(f"{family} {cls.__name__} must declare {', '.join(missing)} "
                        "(its update rule as LaTeX, with $slots for the numbers)")
    unknown = slots(cls.worked) - set(known)
    if unknown:
        raise TypeError(f"{family} {cls.__name__}: worked rule uses unknown slots "
                        f"{sorted(unknown)}; fillable: {sorted(known)}")
    for hyper in cls.SETTINGS:
        if not hyper.lo <= hyper.default <= hyper.hi:
            raise TypeError(f"{family} {cls.__name__}: default of {hyper.name} outside "
                            f"[{hyper.lo}, {hyper.hi}]")
    return cls
