"""The Compare page: lanes (syntax and words), presets, the race in session state, its live
view and its results table."""
