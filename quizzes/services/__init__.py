"""Writes. Each service owns its transaction; views call these and nothing else to change data."""

from .attempts import attempt_get_or_start, attempt_resume, attempt_start, attempt_submit, lesson_record_view
from .consent import (
    audit_record,
    enrolment_authenticate,
    enrolment_create,
    enrolment_revoke,
    record_answer,
    record_get_or_start,
    record_lesson_viewed,
    record_sign_off,
)
from .selftest import (
    review_session_start,
    selftest_answer,
    selftest_create,
    selftest_finish,
    selftest_finish_all_expired,
    selftest_finish_if_expired,
)

__all__ = [
    "attempt_get_or_start",
    "attempt_resume",
    "attempt_start",
    "attempt_submit",
    "audit_record",
    "enrolment_authenticate",
    "enrolment_create",
    "enrolment_revoke",
    "lesson_record_view",
    "record_answer",
    "record_get_or_start",
    "record_lesson_viewed",
    "record_sign_off",
    "review_session_start",
    "selftest_answer",
    "selftest_create",
    "selftest_finish",
    "selftest_finish_all_expired",
    "selftest_finish_if_expired",
]
