"""Trainee self-tests: the builder, one question per page, finishing, review, progress and
spaced review."""
