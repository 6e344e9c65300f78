"""MLWire: a local, visual machine-learning pipeline designer."""
__version__ = "0.1.0"
