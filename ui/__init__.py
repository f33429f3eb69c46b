"""The Streamlit side of DNN Playground: state schema, controls, figures, live view."""
