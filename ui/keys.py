"""Every session-state key the app stores, declared once (widget keys live with their widgets).

Settings are `SETTING_PREFIX + <schema key>` (ui.state); the rest are below, one prefix per
part of the app that owns them: `run_` the session's run, `pg_` the Playground's player,
`data_` your data, `hood_` Under the hood, `live_` the live view, `app_` the frame.
"""
SETTING_PREFIX = "cfg_"
SETTINGS_STARTED = "app_settings_started"   # the URL was read into the settings once
URL_NOTES = "app_url_notes"                 # notes about junk in the URL, shown once

TRAINER = "run_trainer"                     # the session's dnn_core Trainer
CUSTOM_DATA = "run_custom_data"             # uploaded or drawn Dataset in use, or None

RUNNING = "pg_running"                      # Play is on
STOPPED = "pg_stopped_because"              # why the run paused itself (a sentence) or None
FEATURES_LAST = "pg_features_last"          # the inputs before a click tried to clear them

CANVAS = "data_drawn_canvas"                # a drawing with too few points to train on yet
DRAW_CLASS = "draw_class"                   # widget: the class (or target) a click adds
UPLOAD_PARSED = "data_upload_parsed"        # (file id, task) -> the parsed CSV or its message
MODEL_MESSAGE = "data_model_message"        # (kind, text) after loading a model file

HOOD_CHECK = "hood_check_result"            # (inputs, gradient check report)

EDIT_LAST = "live_edit_last"             # id of the last diagram edit taken (ui/edit.py)
EDIT_PENDING = "live_edit_pending"       # a diagram settings edit waiting for the page's run
LIVE_SENT = "live_sent:"                    # + element key: what the browser already has
