"""Streaming log-mel and MFCC front end (numpy, no Qt, no torch)."""

from kwapp.features.frontend import FeatureExtractor, StreamingFrontend, mel_filterbank

__all__ = ["FeatureExtractor", "StreamingFrontend", "mel_filterbank"]
