"""Export the one-frame step to ONNX and quantize its weights to int8 (ONNX Runtime dynamic quantization)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import torch
from torch import nn

log = logging.getLogger(__name__)

OPSET = 18
INPUT_NAMES = ["frame", "conv_state", "ssm_state"]
OUTPUT_NAMES = ["probs", "next_conv_state", "next_ssm_state"]


class StepWithSoftmax(nn.Module):
    """One frame of features and the carried state in, class probabilities and the next state out."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, frame, conv_state, ssm_state):
        logits, conv_state, ssm_state = self.model.step(frame, conv_state, ssm_state)
        return torch.softmax(logits, dim=-1), conv_state, ssm_state


def export_fp32(model: nn.Module, path: Path) -> None:
    """Write the float32 step graph for batch 1."""
    model = model.eval()
    conv, ssm = model.initial_state(1)
    frame = torch.zeros(1, model.cfg.n_features)
    with torch.no_grad():
        program = torch.onnx.export(
            StepWithSoftmax(model).eval(),  # the wrapper starts in training mode and export warns
            (frame, conv, ssm),
            dynamo=True,
            opset_version=OPSET,
            input_names=INPUT_NAMES,
            output_names=OUTPUT_NAMES,
            verbose=False,
        )
    program.save(str(path))


def quantize_int8(fp32_path: Path, int8_path: Path) -> None:
    """Dynamic quantization: int8 weights for MatMul/Gemm, activations quantized per call."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # the quantizer logs one INFO line per tensor on the root logger
    try:
        with tempfile.TemporaryDirectory() as tmp:
            prepared = Path(tmp) / "prepared.onnx"
            quant_pre_process(str(fp32_path), str(prepared), skip_symbolic_shape=True)
            quantize_dynamic(str(prepared), str(int8_path), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gemm"])
    finally:
        root.setLevel(level)


def export_model(model: nn.Module, out_path: Path, int8: bool = True) -> Path:
    """Write the step model to out_path, int8 when asked; returns the path written."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if not int8:
        export_fp32(model, out_path)
        return out_path
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_fp32(model, fp32)
        tmp_out = out_path.with_name(f".{out_path.name}.tmp")
        quantize_int8(fp32, tmp_out)
        tmp_out.replace(out_path)
    log.info("exported int8 step model to %s (%d bytes)", out_path, out_path.stat().st_size)
    return out_path
