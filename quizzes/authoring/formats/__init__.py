"""Question file formats other than JSON: Moodle's GIFT (read and write) and Aiken (read).

Part of authoring, but pure standard library: it imports no Django and nothing else of `quizzes`
(an import-linter contract in pyproject.toml keeps it so). Each reader turns a file's text into a
`ParseResult` of questions in the JSON exchange format (README, "Question exchange format"), with
the questions it skipped, and errors and warnings at their line numbers. `authoring/exchange.py`
turns those questions into specs, and the import command checks and saves them.
"""
