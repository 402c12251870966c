"""Parts of the fine-tune: which parameters train when only the top blocks do."""

from __future__ import annotations

from kwapp.model.checkpoint import build_model
from kwapp.model.config import ModelConfig
from kwapp.train.finetune import trainable_parameters


def small_model():
    return build_model(ModelConfig(d_model=16, n_layers=4, n_classes=3))


def test_all_blocks_train_by_default():
    model = small_model()
    assert len(trainable_parameters(model, None)) == len(list(model.parameters()))


def test_top_blocks_train():
    model = small_model()
    trainable = {id(p) for p in trainable_parameters(model, 2)}
    assert all(id(p) in trainable for p in model.blocks[2].parameters())


def test_lower_blocks_frozen():
    model = small_model()
    trainable = {id(p) for p in trainable_parameters(model, 2)}
    assert not any(id(p) in trainable for p in model.blocks[1].parameters())


def test_input_layer_frozen():
    model = small_model()
    trainable = {id(p) for p in trainable_parameters(model, 2)}
    assert not any(id(p) in trainable for p in model.embed.parameters())


def test_head_trains_when_frozen():
    model = small_model()
    trainable = {id(p) for p in trainable_parameters(model, 0)}
    assert all(id(p) in trainable for p in model.head.parameters())
