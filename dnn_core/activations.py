"""Activation functions as layers: forward A = g(Z), backward dZ = dA * g'(Z).

Each class keeps g and g' side by side as static methods: `fn(Z, out=None)` for g and
`derivative(Z, A, out=None)` for g' (given Z and A = g(Z); each uses whichever is cheaper).
With `out`, the result is written there (no allocation); the input dtype is kept.
Registry `ACTIVATIONS` (name -> class); `get_activation(name)` returns a new layer.
"""
import math

import numpy as np

from .layers import Layer, reusable
from .steps import activation_backward, activation_forward


class Activation(Layer):
    """Elementwise layer. forward caches Z and A (step 3); backward returns dA * g'(Z) (step 7)."""

    __slots__ = ("Z", "A", "_A", "_dZ")
    name = title = formula = ""

    def __init__(self):
        super().__init__()
        self.Z = self.A = None
        self._A, self._dZ = {}, {}

    def forward(self, Z):
        self.Z = Z
        self.A = activation_forward(self, Z, out=reusable(self._A, Z.shape))
        return self.A

    def backward(self, dA):
        return activation_backward(self, dA, out=reusable(self._dZ, dA.shape))

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    """g(z) = z;  g'(z) = 1. The output of a regression network."""

    name, title = "identity", "Identity"
    formula = r"g(z) = z \qquad g'(z) = 1"

    @staticmethod
    def fn(Z, out=None):
        return np.positive(Z, out=out)

    @staticmethod
    def derivative(Z, A, out=None):
        D = np.empty_like(Z) if out is None else out
        D.fill(1.0)
        return D


class ReLU(Activation):
    """g(z) = max(0, z);  g'(z) = 1 if z > 0 else 0 (0 at the kink, as PyTorch)."""

    name, title = "relu", "ReLU"
    formula = r"g(z) = \max(0, z) \qquad g'(z) = \begin{cases}1 & z > 0\\ 0 & z \le 0\end{cases}"

    @staticmethod
    def fn(Z, out=None):
        return np.maximum(Z, 0.0, out=out)

    @staticmethod
    def derivative(Z, A, out=None):
        return np.heaviside(Z, 0.0, out=out)


class LeakyReLU(Activation):
    """g(z) = max(0.01 z, z);  g'(z) = 1 if z > 0 else 0.01."""

    name, title = "leaky_relu", "Leaky ReLU"
    slope = 0.01
    formula = (r"g(z) = \max(0.01z, z) \qquad "
               r"g'(z) = \begin{cases}1 & z > 0\\ 0.01 & z \le 0\end{cases}")

    @staticmethod
    def fn(Z, out=None):
        A = np.multiply(Z, LeakyReLU.slope, out=out)
        return np.maximum(Z, A, out=A)

    @staticmethod
    def derivative(Z, A, out=None):
        D = np.heaviside(Z, 0.0, out=out)
        D *= 1.0 - LeakyReLU.slope
        D += LeakyReLU.slope
        return D


class ELU(Activation):
    """alpha = 1:  g(z) = z if z > 0 else e^z - 1;  g'(z) = 1 if z > 0 else e^z."""

    name, title = "elu", "ELU"
    formula = (r"g(z) = \max(z, 0) + e^{\min(z, 0)} - 1 \qquad g'(z) = e^{\min(z, 0)}"
               r" \quad (\alpha = 1)")

    @staticmethod
    def fn(Z, out=None):
        A = np.minimum(Z, 0.0, out=out)
        np.expm1(A, out=A)
        A += np.maximum(Z, 0.0)
        return A

    @staticmethod
    def derivative(Z, A, out=None):
        D = np.minimum(Z, 0.0, out=out)
        return np.exp(D, out=D)


_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


class GELU(Activation):
    """tanh approximation (PyTorch approximate="tanh"), u = sqrt(2/pi) (z + 0.044715 z^3):
    g(z) = z/2 (1 + tanh u);  g'(z) = (1 + tanh u)/2 + z/2 (1 - tanh^2 u) du/dz."""

    name, title = "gelu", "GELU"
    formula = (r"g(z) = \tfrac{1}{2} z (1 + \tanh u),\ u = \sqrt{2/\pi}\,(z + 0.044715 z^3)"
               r" \qquad g'(z) = \tfrac{1}{2}(1 + \tanh u) + \tfrac{1}{2} z (1 - \tanh^2 u)"
               r" \sqrt{2/\pi}\,(1 + 3 \cdot 0.044715 z^2)")

    @staticmethod
    def fn(Z, out=None):
        T = np.tanh(_GELU_C * (Z + _GELU_K * Z ** 3))
        A = np.multiply(Z, 0.5, out=out)
        A *= T + 1.0
        return A

    @staticmethod
    def derivative(Z, A, out=None):
        Z2 = Z * Z
        T = np.tanh(_GELU_C * Z * (1.0 + _GELU_K * Z2))
        D = np.multiply(T, T, out=out)
        np.subtract(1.0, D, out=D)
        D *= (0.5 * _GELU_C) * Z * (1.0 + 3.0 * _GELU_K * Z2)
        D += 0.5 * (1.0 + T)
        return D


class Sigmoid(Activation):
    """g(z) = 1 / (1 + e^-z);  g'(z) = g(z) (1 - g(z)) = A (1 - A)."""

    name, title = "sigmoid", "Sigmoid"
    formula = r"g(z) = \sigma(z) = \frac{1}{1 + e^{-z}} \qquad g'(z) = \sigma(z)(1 - \sigma(z))"

    @staticmethod
    def fn(Z, out=None):
        """sigma(z) = e^min(z,0) / (1 + e^-|z|): both exponents <= 0, so nothing overflows."""
        S = np.minimum(Z, 0.0, out=out)
        np.exp(S, out=S)
        E = np.copysign(Z, -1.0)   # -|z|
        np.exp(E, out=E)
        E += 1.0
        S /= E
        return S

    @staticmethod
    def derivative(Z, A, out=None):
        D = np.subtract(1.0, A, out=out)
        D *= A
        return D


class SiLU(Activation):
    """g(z) = z sigma(z);  g'(z) = sigma(z) (1 + z (1 - sigma(z)))."""

    name, title = "silu", "SiLU (swish)"
    formula = r"g(z) = z\,\sigma(z) \qquad g'(z) = \sigma(z)\,(1 + z(1 - \sigma(z)))"

    @staticmethod
    def fn(Z, out=None):
        A = Sigmoid.fn(Z, out=out)
        A *= Z
        return A

    @staticmethod
    def derivative(Z, A, out=None):
        S = Sigmoid.fn(Z)
        D = np.subtract(1.0, S, out=out)
        D *= Z
        D += 1.0
        D *= S
        return D


class Tanh(Activation):
    """g(z) = tanh z;  g'(z) = 1 - tanh^2 z = 1 - A^2."""

    name, title = "tanh", "Tanh"
    formula = r"g(z) = \tanh z \qquad g'(z) = 1 - \tanh^2 z"

    @staticmethod
    def fn(Z, out=None):
        return np.tanh(Z, out=out)

    @staticmethod
    def derivative(Z, A, out=None):
        D = np.multiply(A, A, out=out)
        return np.subtract(1.0, D, out=D)


class Softplus(Activation):
    """g(z) = ln(1 + e^z) (beta = 1);  g'(z) = sigma(z)."""

    name, title = "softplus", "Softplus"
    formula = r"g(z) = \ln(1 + e^{z}) \qquad g'(z) = \sigma(z)"

    @staticmethod
    def fn(Z, out=None):
        """ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|), finite for any z."""
        A = np.copysign(Z, -1.0, out=out)   # -|z|
        np.exp(A, out=A)
        np.log1p(A, out=A)
        A += np.maximum(Z, 0.0)
        return A

    @staticmethod
    def derivative(Z, A, out=None):
        return Sigmoid.fn(Z, out=out)


class Sine(Activation):
    """g(z) = sin z;  g'(z) = cos z."""

    name, title = "sine", "Sine"
    formula = r"g(z) = \sin z \qquad g'(z) = \cos z"

    @staticmethod
    def fn(Z, out=None):
        return np.sin(Z, out=out)

    @staticmethod
    def derivative(Z, A, out=None):
        return np.cos(Z, out=out)


ACTIVATIONS = {cls.name: cls for cls in (Identity, ReLU, LeakyReLU, ELU, GELU, SiLU, Tanh,
                                         Sigmoid, Softplus, Sine)}


def get_activation(name):
    """A new activation layer for registry `name`; ValueError naming the valid choices."""
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of "
                         f"{', '.join(ACTIVATIONS)}") from None
