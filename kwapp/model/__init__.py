"""Keyword Mamba and its baselines (torch), export to ONNX and the ONNX Runtime step."""
