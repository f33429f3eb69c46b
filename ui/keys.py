"""Every session-state key the app stores, declared once (widget keys live with their widgets).

Settings are `SETTING_PREFIX + <schema key>` (ui.state); the rest are below, one prefix per
part of the app that owns them: `run_` the session's run, `pg_` the Playground's player,
`data_` your data, `hood_` Under the hood, `live_` the live view, `app_` the frame.
"""
SETTING_PREFIX = "cfg_"
SETTINGS_STARTED = "app_settings_started"   # the URL was read into the settings once
URL_NOTES = "app_url_notes"                 # notes about junk in the URL, shown once
SESSION_TOKEN = "app_session_token"         # this server session's random token (ui.reconnect)

TRAINER = "run_trainer"                     # the session's dnn_core Trainer
CUSTOM_DATA = "run_custom_data"             # uploaded or drawn Dataset in use, or None
CONFIG_MEMO = "run_config_memo"             # (task, settings, their TrainConfig) last built

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
LIVE_META = "live_meta_memo"                # (config and grid, Dataset, the meta they give)

CMP_LANES = "cmp_lanes"                     # the Compare page's lane specs (ui/compare/lanes)
CMP_URL = "cmp_lanes_url"                   # the lanes text last read from or written to the URL
CMP_PRESET = "cmp_preset"                   # the preset last applied from the URL, or None
CMP_RACE = "cmp_race"                       # (the configs it was built from, the Race)
CMP_RUNNING = "cmp_running"                 # Play is on for every lane
CMP_NOTES = "cmp_notes"                     # notes about junk in the lanes or preset
