"""Customer Challenge Simulator: practise hard conversations with a frustrated customer."""

__version__ = "0.1.0"
