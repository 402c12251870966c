"""kwapp: an offline keyword-spotting monitor built on a streaming Keyword Mamba model."""

__version__ = "0.1.0"
