"""Audio input: devices, capture ring buffer, resampling, files played as a microphone."""
