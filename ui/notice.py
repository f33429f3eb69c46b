"""What a change of settings does to the run, in one sentence: weights kept or rebuilt.

The Playground page compares the trainer's config before and after it synced with the
settings (ui.session) and shows the sentence as a toast; the titles come from the schema
(ui.state), the split between kept and rebuilt from the engine (dnn_core.config).
"""
from dnn_core.config import OPTIMIZER_FIELDS, changed_fields, needs_rebuild
from ui import state

DATA_FIELDS = {"dataset", "n", "noise", "train_frac", "seed"}


def _and(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def change_notice(old_config, new_config):
    """One sentence saying what going from `old_config` to `new_config` does to the
    network (kept or rebuilt weights), or None when nothing changed."""
    if old_config is None or new_config is None:
        return None
    changed = changed_fields(old_config, new_config)
    if "hidden" in changed:
        changed.discard("activations")     # a new layer brings its activation along
    if not changed:
        return None
    titles = {**state.field_titles(), "options": state.SCHEMA["optimizer"].title + " settings"}
    what = _and([title for field, title in titles.items() if field in changed])
    what = what[0] + what[1:].lower() if " and " in what else what
    if needs_rebuild(old_config, new_config):
        data = "new data were drawn and " if changed & DATA_FIELDS else ""
        return f"{what} changed: {data}the network was rebuilt with new weights."
    fresh = "; the optimizer's running averages start afresh" if changed & OPTIMIZER_FIELDS else ""
    return f"{what} changed: training continues with the same weights{fresh}."
