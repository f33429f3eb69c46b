"""DNN Playground: the router and the frame around every page.

Page files live in app_pages/, not pages/: Streamlit still auto-discovers a pages/ folder
for a URL opened on a fresh server before st.navigation has run, which skipped this frame.

`streamlit run app.py` finds the `st.App` below and imports this file once per process, at
server start (`__name__` is then "app"): its lifespan registers the live view's asset
routes before the first request, and its middleware asks the browser to preload the live
view's files with the page (ui/live/component.py `serve_assets`, `PreloadLinks`). Each session runs
the file as its script (`__name__` is "__main__"): the router.
"""
import streamlit as st

if __name__ == "__main__":
    from ui import keys, reconnect, runtime, state

    runtime.limit_blas_threads()
    st.set_page_config(page_title="DNN Playground", page_icon="assets/icon.png",
                       layout="wide", initial_sidebar_state="expanded")

    runtime.page_style()
    notes = state.init_session(st.session_state, st.query_params)
    if notes:
        st.session_state[keys.URL_NOTES] = notes
    reconnect.note()

    page = st.navigation([
        st.Page("app_pages/playground.py", title="Playground", icon=":material/play_circle:",
                default=True),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("app_pages/under_the_hood.py", title="Under the hood", icon=":material/functions:"),
        st.Page("app_pages/your_data.py", title="Your data", icon=":material/upload_file:"),
    ])
    runtime.guarded(page.title)(page.run)()
    state.sync_url(st.session_state, st.query_params)
else:
    from starlette.middleware import Middleware

    from ui.live.component import PreloadLinks, asset_routes, serve_assets

    app = st.App(__file__, lifespan=serve_assets, routes=asset_routes(),
                 middleware=[Middleware(PreloadLinks)])

