"""Datasets, augmentation, training, evaluation and fine-tuning (torch; no Qt)."""
