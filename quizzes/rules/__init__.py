"""Pure rules: scoring, teach-back, spaced review, self-test timing, text. No Django, no database."""
