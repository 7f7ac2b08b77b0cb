"""Pure rules: scoring, teach-back, spaced review, self-test timing, item-writing checks, item
statistics, text.

No Django and no database: each is plain data in and out, tested without a database.
"""
