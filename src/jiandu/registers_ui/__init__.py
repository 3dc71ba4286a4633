"""The warehouse seen by analysts: its registers, row counts and the last load report."""
