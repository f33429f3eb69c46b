"""The optimizer base class (flat state vectors, one in-place rule per step) and the
settings several optimizers share (eps)."""
import numpy as np

from ..hyper import Hyper
from ..params import as_vector

EPS_STEPS = (1e-10, 1e-8, 1e-6, 1e-4)
EPS_HELP = ("Added to the root in the denominator so a tiny gradient history cannot make "
            "a huge step; larger values damp the adaptive scaling.")
EPS = Hyper("eps", "ε", 1e-8, 1e-12, 0.1, EPS_STEPS, EPS_HELP)


class Optimizer:
    """Base: the parameters, `lr`, and flat state vectors named by `STATE`.

    The rule reads one flat vector g (parameters in order, each raveled) and fills the flat
    vector `delta`; then `value -= delta`. Parameters of a `Sequential` already lie in one
    vector (`params.pack`): g is the model's gradient vector and the update is one
    subtraction over its value vector. Parameters laid out any other way are gathered into g
    and updated slice by slice: the same numbers. The six tensors of a 2-8-8-1 net cost one
    rule over one vector instead of the whole rule six times (Adam: 11 us a step instead of
    40), and with the vectors one call instead of thirteen around it.
    """

    name = ""
    title = ""
    formula = []
    worked = []
    SETTINGS = ()   # Hyper rows; constructor keywords of the same names
    STATE = ()      # flat state vectors
    SHOWN = ()      # derived per-parameter state that `state()` adds (Adam's m_hat, v_hat)
    SCALARS = ()    # scalar state the worked rule shows (Adam's t)
    SYMBOLS = {}    # state name -> the rule's symbol for it ("velocity": "v")

    @classmethod
    def build(cls, params, lr, **settings):
        """An instance from setting values by name; names the class does not use and
        None values (its own default) are left out."""
        return cls(params, lr, **{h.name: settings[h.name] for h in cls.SETTINGS
                                  if settings.get(h.name) is not None})

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters")
        if lr < 0:
            raise ValueError(f"learning rate must be >= 0, got {lr}")
        self.lr = float(lr)
        dtype = np.result_type(*(p.value for p in self.params))
        self._bounds = np.cumsum([0] + [p.value.size for p in self.params]).tolist()
        self._g = np.empty(self._bounds[-1], dtype)
        self._delta = np.empty_like(self._g)
        self._delta_views = self._split(self._delta)
        for key in self.STATE:
            setattr(self, key, np.zeros_like(self._g))
        self._vectors = self._find_vectors()

    def _find_vectors(self):
        """(values, grads): the (P,) vectors the parameters lie in, or None (see `step`)."""
        values = as_vector([p.value for p in self.params])
        grads = as_vector([p.grad for p in self.params])
        return None if values is None or grads is None else (values, grads)

    def __getstate__(self):
        # The views must point into this object's own `_delta`, and the vectors be found
        # again among the copied parameters, after a copy.
        state = dict(self.__dict__)
        del state["_delta_views"], state["_vectors"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._delta_views = self._split(self._delta)
        self._vectors = self._find_vectors()

    def _split(self, flat):
        """Views of a flat vector, one per parameter, shaped like the parameter."""
        return [flat[a:b].reshape(p.value.shape)
                for p, a, b in zip(self.params, self._bounds, self._bounds[1:])]

    def step(self):
        """One update of every parameter, in place, from its current `grad`."""
        if self._vectors is not None:
            values, g = self._vectors
            self._rule(g, self._delta)
            np.subtract(values, self._delta, out=values)
            return
        np.concatenate([p.grad.ravel() for p in self.params], out=self._g)
        self._rule(self._g, self._delta)
        for p, delta in zip(self.params, self._delta_views):
            np.subtract(p.value, delta, out=p.value)

    def _rule(self, g, delta):
        """Update the state from the flat gradient `g` and fill `delta` (value -= delta)."""
        raise NotImplementedError

    def zero_grad(self):
        for p in self.params:
            p.grad.fill(0.0)

    def state(self):
        """Copies of the state for display: {state name: [array per parameter]}."""
        return {key: [a.copy() for a in self._split(getattr(self, key))] for key in self.STATE}

    def hyper(self):
        """Hyperparameters besides `lr` (plain numbers), as stored by `state_dict`."""
        return {}

    def state_dict(self):
        """For saving: scalars (name, lr, hyperparameters, `t`) and, per state name, a list
        with one array per parameter. Lists hold arrays only."""
        return {"name": self.name, "lr": self.lr, **self.hyper(), **self.state()}

    def load_state_dict(self, saved):
        """Restore `lr`, the hyperparameters, the state arrays (copied into place) and `t`."""
        if saved.get("name") != self.name:
            raise ValueError(f"state is for optimizer {saved.get('name')!r}, not {self.name!r}")
        for key in self.STATE:
            if len(saved[key]) != len(self.params):
                raise ValueError(f"{key} has {len(saved[key])} arrays for {len(self.params)} "
                                 "parameters")
            for p, own, arr in zip(self.params, self._split(getattr(self, key)), saved[key]):
                if np.shape(arr) != own.shape:
                    raise ValueError(
                        f"{key} of {p.name}: shape {np.shape(arr)}, expected {own.shape}")
                np.copyto(own, arr)
        self.lr = float(saved["lr"])
        for key, current in self.hyper().items():
            setattr(self, key, type(current)(saved[key]))
        if "t" in saved:
            self.t = int(saved["t"])
