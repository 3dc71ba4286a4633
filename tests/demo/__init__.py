"""Tests of the demo installation."""
