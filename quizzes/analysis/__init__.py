"""Item analysis for educators: Moodle's quiz statistics, flags, charts, and the patient consent check."""
