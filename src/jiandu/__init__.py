"""jiandu: a platform for inspection, rectification, the clue ledger and data-driven supervision."""

__version__ = "0.1.0"
