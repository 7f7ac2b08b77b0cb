"""Learning: lessons, quizzes, attempts and their results."""
