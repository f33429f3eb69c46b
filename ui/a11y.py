"""Screen-reader fixes for Streamlit's own widgets, applied in the browser.

Streamlit 1.67's sliders give their range input both `aria-label` and an
`aria-labelledby` that lists the input itself and its group, so a screen reader announces
the label twice ("Noise (%) Noise (%)"). `fix_labels()` mounts an empty element whose
script (once per page) drops that `aria-labelledby` from every range input, now and as
widgets appear, so the name is the label once. It draws nothing and takes no room.
"""
import streamlit as st

FIX_JS = """export default function () {
  if (window.__dnnA11y) return;
  const fix = () => document.querySelectorAll('input[type="range"][aria-label][aria-labelledby]')
    .forEach((input) => input.removeAttribute("aria-labelledby"));
  window.__dnnA11y = new MutationObserver(fix);
  window.__dnnA11y.observe(document.body, {subtree: true, childList: true,
                                           attributes: true, attributeFilter: ["aria-labelledby"]});
  fix();
}
"""
# The element holds only the script: it takes no room in the sidebar. (Several lines, or
# Streamlit would read the selector's brackets as a file glob.)
HIDE_CSS = """[class*="st-key-a11y_"] {
  display: none;
}"""
_COMPONENT = st.components.v2.component("dnn_a11y", html="<span></span>", css=HIDE_CSS,
                                        js=FIX_JS, isolate_styles=False)


def fix_labels(key):
    """Mount the label fix (one `key` per place it is called in a run)."""
    _COMPONENT(key=key)
