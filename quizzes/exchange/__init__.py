"""Question exchange formats other than JSON: Moodle's GIFT (read and write) and Aiken (read).

Pure standard library, free of Django and of the rest of `quizzes`. Each reader turns a file's
text into a `ParseResult` of questions in the JSON exchange format (README, "Question exchange
format"), with the questions it skipped, and errors and warnings at their line numbers; the
import commands and pages do the checking against the database and the saving.
"""
