"""Consent education: the patient's pathway (lessons, then a teach-back check) and the
clinician's pages about it (enrolment, the frozen record, sign-off, the PDF)."""
