"""The analytics half of jiandu: plain Python, no Django (enforced by import-linter)."""
