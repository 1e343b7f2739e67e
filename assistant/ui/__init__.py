"""The Gradio UI: build_app (the page) and launch (serving it)."""
