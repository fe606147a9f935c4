"""The Gradio app: a thin layer over ``assistant`` (see ``ui/README.md``)."""

import os

# No network here: Gradio's analytics are off before any module of this package imports gradio.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
