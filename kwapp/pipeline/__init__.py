"""The streaming engine (features, model step, detector) and the threads that drive it."""
