"""A compact replay set of training features stored in the model folder (replay.npz).

A site PC has no copy of the training data, so fine-tuning mixes these augmented base-training
examples into every batch to keep the old keywords from being forgotten.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from kwapp.features.frontend import FeatureExtractor
from kwapp.messages import msg

log = logging.getLogger(__name__)

REPLAY_NAME = "replay.npz"
PER_CLASS = 40  # about 3.8 MB of float16 features for 12 classes


def save_replay(folder: Path, feats: np.ndarray, labels: list[str]) -> None:
    """feats (N, L, F) stored as float16 with the label string of each example."""
    from kwapp.config import atomic_write_bytes
    import io

    buffer = io.BytesIO()
    np.savez_compressed(buffer, feats=feats.astype(np.float16), labels=np.array(labels, dtype=str))
    atomic_write_bytes(Path(folder) / REPLAY_NAME, buffer.getvalue())
    log.info("wrote %d replay examples to %s", len(labels), Path(folder) / REPLAY_NAME)


def load_replay(folder: Path) -> tuple[np.ndarray, list[str]]:
    path = Path(folder) / REPLAY_NAME
    if not path.is_file():
        raise FileNotFoundError(msg("model folder {folder} has no {name}; fine-tune from a folder made by 'kwapp train'",
                                    folder=folder, name=REPLAY_NAME))
    with np.load(path) as data:
        return data["feats"].astype(np.float32), [str(l) for l in data["labels"]]


def build_replay(splits, labels: tuple[str, ...], aug, extractor: FeatureExtractor, per_class: int = PER_CLASS):
    """Augmented examples of every class, drawn like a training batch (balanced)."""
    from kwapp.train.fit import balanced_batch

    from kwapp.train.dataset import SILENCE

    feats, names = [], []
    # balanced_batch turns draws of a class without training clips into _silence_, so such a
    # class never fills up and waiting for it would loop forever.
    present = {labels[k] for k in np.unique(splits.train_labels)}
    counts = {l: 0 for l in labels if l in present or l == SILENCE or SILENCE not in labels}
    while min(counts.values()) < per_class:
        audio, classes = balanced_batch(splits, labels, aug, 64)
        batch_feats = extractor.batch_features(audio)
        for f, k in zip(batch_feats, classes):
            if counts.get(labels[k], per_class) < per_class:
                counts[labels[k]] += 1
                feats.append(f)
                names.append(labels[k])
    return np.stack(feats), names
