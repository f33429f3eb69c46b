"""The settings controls in Debian's Chromium: eight hidden layers of 32 fit the screen
(every neuron stepper whole, every activation box legible) at 1024, 1280 and 1920 pixels,
and what a screen reader hears: which layer a -/+ button edits, each slider's name once,
each dataset picture described."""
import re

import pytest

from dnn_core.datasets import DATASETS

from conftest import APP_READY, LIVE_DRAWN, settled

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Eight layers of 32, with the activations whose names are the longest.
EIGHT_WIDE = ("?layers=" + ",".join(["32"] * 8)
              + "&activation=leaky_relu,softplus,sigmoid,identity,tanh,relu,gelu,sine")
TITLES = ["Leaky ReLU", "Softplus", "Sigmoid", "Identity", "Tanh", "ReLU", "GELU", "Sine"]


# The live view is drawn, the label fix (ui/a11y.py) runs, the layer editor is there.
CONTROLS = (f"{LIVE_DRAWN} && window.__dnnA11y !== undefined && "
            "!!document.querySelector('.st-key-neurons_0_plus button')")


def box(locator):
    found = locator.bounding_box()
    assert found is not None, locator
    return found


# Every layer's - and + on one line: true once the page's stepper CSS is in force (a crowded
# machine can measure before it); false for good when the editor does not fit.
SETTLED = """() => [...Array(8).keys()].every((i) => {
  const m = document.querySelector(`.st-key-neurons_${i}_minus button`);
  const p = document.querySelector(`.st-key-neurons_${i}_plus button`);
  if (!m || !p) return false;
  const a = m.getBoundingClientRect(), b = p.getBoundingClientRect();
  return Math.abs(a.y - b.y) < 2 && a.width < 40 && b.width < 40;
})"""


def right(b):
    return b["x"] + b["width"]


@pytest.mark.parametrize("width,height", [(1024, 768), (1280, 720), (1920, 1080)])
def test_eight_layers_of_32_fit_whole(open_app, width, height):
    page = open_app(EIGHT_WIDE, (width, height), CONTROLS)
    page.wait_for_function(SETTLED)                  # the steppers' CSS has been applied
    settled(page)
    columns = []
    for layer in range(1, 9):
        minus = box(page.get_by_role("button", name=f"Remove a neuron from layer {layer}",
                                     exact=True))
        plus = box(page.get_by_role("button", name=f"Add a neuron to layer {layer}",
                                    exact=True))
        stepper = page.locator(f".st-key-neurons_{layer - 1}_minus").locator("xpath=..")
        assert "32" in stepper.inner_text()
        assert plus["width"] < 40 and minus["width"] < 40          # drawn as - and +
        assert abs(minus["y"] - plus["y"]) < 2 and right(minus) <= plus["x"]   # one line
        activation = page.locator(f".st-key-activation_{layer - 1}")
        chosen = box(activation)
        shown, needed, room = activation.locator("input").evaluate(
            "e => [e.value, e.scrollWidth, e.clientWidth]")
        assert shown == TITLES[layer - 1] and needed <= room, (shown, needed, room)
        assert right(plus) <= right(chosen) + 1
        assert right(chosen) <= width
        columns.append(chosen)
    for a, b in zip(columns, columns[1:]):     # side by side or on the next row, never over
        assert right(a) <= b["x"] or b["y"] >= a["y"] + a["height"]
    same = page.get_by_role("button", name="Leaky ReLU in every layer", exact=True)
    assert same.evaluate("e => e.scrollWidth <= e.clientWidth") and same.is_visible()
    assert page.problems == []


def test_a_screen_reader_hears_which_layer_each_button_edits(open_app):
    page = open_app("?layers=4,2", ready=CONTROLS)
    page.get_by_role("button", name="Remove a neuron from layer 2", exact=True).click()
    page.wait_for_selector(APP_READY)
    page.get_by_role("button", name="Add a neuron to layer 2", exact=True).wait_for()
    stepper = page.locator(".st-key-neurons_1_minus").locator("xpath=..")
    page.wait_for_function("e => e.innerText.includes('1')", arg=stepper.element_handle())
    assert page.get_by_role("button", name="Add a hidden layer", exact=True).is_visible()
    assert page.get_by_role("button", name="Remove the last hidden layer", exact=True).is_visible()
    assert page.get_by_role("button", name="−", exact=True).count() == 0


def test_slider_names_are_said_once_and_dataset_pictures_are_described(open_app):
    page = open_app(ready=CONTROLS)
    for name in ("Noise (%)", "Number of points", "Training data (%)", "Learning rate"):
        assert page.get_by_role("slider", name=name, exact=True).count() == 1, name
    assert page.get_by_role("slider", name=re.compile(r"Noise \(%\) Noise")).count() == 0
    pictures = page.get_by_role("img", name=re.compile(" dataset"))
    assert pictures.count() == len(DATASETS)
    assert page.get_by_role("img", name=re.compile(r"^Spiral dataset: ")).count() == 1
    assert page.get_by_role("img", name=re.compile(r"^Circle dataset \(chosen\)")).count() == 1
