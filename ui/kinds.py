"""The kinds of value a setting can hold: how each reads from URL text and writes back.

Each kind has `parse(text) -> value` (ValueError when the text does not fit),
`format(value) -> text` (parse(format(v)) == v) and `allowed`, a phrase for the notes
("a whole number from 0 to 50"). Kinds with slider stops keep them in `steps`; `word` is
a word a number setting also takes ("all", "default").
"""
import math


def format_number(x):
    """The shortest text that reads back as the same number: 0.03, 1e-05, 10 (words
    such as "default" pass through)."""
    if isinstance(x, (int, str)):
        return str(x)
    text = f"{x:.15g}"
    return text if float(text) == x else repr(x)


def _finite(text):
    number = float(text)        # ValueError for junk
    if not math.isfinite(number):
        raise ValueError(text)
    return number


class Choice:
    def __init__(self, options):
        self.options = tuple(options)
        self.allowed = "one of " + ", ".join(map(str, self.options))

    def parse(self, text):
        matches = [o for o in self.options if str(o).lower() == text.strip().lower()]
        if not matches:
            raise ValueError(text)
        return matches[0]

    format = staticmethod(str)


class Int:
    def __init__(self, lo, hi, word=None, steps=()):
        self.lo, self.hi, self.word, self.steps = lo, hi, word, steps
        self.allowed = f"a whole number from {lo} to {hi}" + (f' or "{word}"' if word else "")

    def parse(self, text):
        text = text.strip().lower()
        if self.word and text == self.word:
            return self.word
        try:
            value = int(text)
        except ValueError:
            number = _finite(text)
            if not number.is_integer():
                raise
            value = int(number)
        if not self.lo <= value <= self.hi:
            raise ValueError(text)
        return value

    format = staticmethod(str)


class Float:
    def __init__(self, lo, hi, steps=(), word=None):
        self.lo, self.hi, self.steps, self.word = lo, hi, steps, word
        self.allowed = f"a number from {format_number(lo)} to {format_number(hi)}" + (
            f' or "{word}"' if word else "")

    def parse(self, text):
        if self.word and text.strip().lower() == self.word:
            return self.word
        value = _finite(text)
        if not self.lo <= value <= self.hi:
            raise ValueError(text)
        return value

    format = staticmethod(format_number)


class Bool:
    WORDS = {"true": True, "1": True, "yes": True, "on": True,
             "false": False, "0": False, "no": False, "off": False}
    allowed = "true or false"

    def parse(self, text):
        if text.strip().lower() not in self.WORDS:
            raise ValueError(text)
        return self.WORDS[text.strip().lower()]

    @staticmethod
    def format(value):
        return "true" if value else "false"


def _items(text):
    return [item.strip().lower() for item in text.split(",")]


class Subset:
    """A set of options, kept in the options' order: "x2,x1" -> ("x1", "x2")."""

    def __init__(self, options, min_len=0):
        self.options, self.min_len = tuple(options), min_len
        self.allowed = "a comma list of " + ", ".join(self.options) + (
            " (at least one)" if min_len else "")

    def parse(self, text):
        items = [item for item in _items(text) if item]
        if any(item not in self.options for item in items) or len(set(items)) < self.min_len:
            raise ValueError(text)
        return tuple(option for option in self.options if option in items)

    format = staticmethod(",".join)


class IntList:
    """Neurons per hidden layer: "4,2" -> (4, 2); "" -> () (no hidden layer)."""

    def __init__(self, lo, hi, max_len):
        self.item, self.max_len = Int(lo, hi), max_len
        self.allowed = (f"a comma list of up to {max_len} whole numbers from {lo} to {hi} "
                        "(empty: no hidden layer)")

    def parse(self, text):
        value = tuple(self.item.parse(i) for i in text.split(",")) if text.strip() else ()
        if len(value) > self.max_len:
            raise ValueError(text)
        return value

    @staticmethod
    def format(value):
        return ",".join(map(str, value))


class NameList:
    """One name per hidden layer; one name stands for all: "relu" or "relu,tanh"."""

    def __init__(self, options, max_len):
        self.options, self.max_len = tuple(options), max_len
        self.allowed = "one of " + ", ".join(self.options) + " or a comma list, one per layer"

    def parse(self, text):
        items = _items(text)
        if not 1 <= len(items) <= self.max_len or any(i not in self.options for i in items):
            raise ValueError(text)
        return tuple(items)

    @staticmethod
    def format(value):
        return value[0] if len(set(value)) == 1 else ",".join(value)
