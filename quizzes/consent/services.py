"""Writes for consent education: enrolling patients, their password-less access, and the record."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles
from ..models import AuditLogEntry, ConsentRecord, Enrolment, Pathway, RecordEvent, SignOff
from ..rules import teachback
from ..snapshots import snapshot_mark
from . import frozen, selectors

# Eight characters without look-alikes (no 0/O, 1/I/L): easy to read out and type.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
DEFAULT_EXPIRY_DAYS = 14
# django-axes counts every wrong code under this one name (see `backends.axes_username`); no
# username can hold brackets or spaces, so no password sign-in is ever counted with them.
CODE_GUESSES = "(patient code)"
# The code form says how many tries are left once fewer than this remain.
CODE_TRIES_SHOWN_BELOW = 3


@dataclass(frozen=True)
class IssuedAccess:
    """What the clinician sees once: the stored enrolment plus the secrets in clear."""

    enrolment: Enrolment
    token: str
    code: str


def _digest(kind: str, secret: str) -> str:
    # Keyed with the site's secret, so a copied database does not reveal or confirm codes.
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{secret}".encode(), hashlib.sha256).hexdigest()


def normalise_code(raw: str) -> str:
    """Upper case without spaces or dashes, as the code is printed in two groups of four."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def enrolment_create(
    *,
    label: str,
    pathway: Pathway,
    language: str = "en",
    planned_date: date | None = None,
    expires_days: int = DEFAULT_EXPIRY_DAYS,
    created_by=None,
) -> IssuedAccess:
    """Enrol a patient: a password-less account limited to the pathway, a link and a code."""
    if expires_days < 1:
        raise ValueError("expires_days must be at least 1")
    selectors.pathway_check_language(pathway=pathway, language=language)
    user = get_user_model()(username=f"patient-{secrets.token_hex(8)}")
    user.set_unusable_password()
    user.save()
    roles.role_assign(user=user, role=roles.PATIENT)
    token, code = secrets.token_urlsafe(32), _new_code()
    enrolment = Enrolment.objects.create(
        label=label.strip(),
        pathway=pathway,
        language=language,
        planned_date=planned_date,
        user=user,
        token_hash=_digest("token", token),
        code_hash=_digest("code", code),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=expires_days),
    )
    if created_by is not None:
        audit_record(user=created_by, enrolment=enrolment, action=AuditLogEntry.Action.ENROL)
    return IssuedAccess(enrolment=enrolment, token=token, code=code)


def enrolment_authenticate(*, token: str | None = None, code: str | None = None) -> Enrolment | None:
    """The enrolment a link token or code opens, or None if it is wrong, expired or revoked.

    The caller gets no hint which of those it was.
    """
    if token:
        kind, secret = "token", token
    elif code:
        kind, secret = "code", normalise_code(code)
    else:
        return None
    digest = _digest(kind, secret)
    field = f"{kind}_hash"
    enrolment = Enrolment.objects.select_related("user").filter(**{field: digest}).first()
    if enrolment is None or not hmac.compare_digest(getattr(enrolment, field), digest):
        return None
    return enrolment if enrolment.is_open else None


def code_tries_left(*, failures: int | None) -> int | None:
    """Wrong codes this address may still type before the pause, once fewer than three remain.

    `failures`: wrong codes from the address in the current window, as django-axes counted
    them; None (not counted) or plenty left gives None: nothing worth saying yet.
    """
    if failures is None:
        return None
    left = max(settings.AXES_FAILURE_LIMIT - failures, 0)
    return left if left < CODE_TRIES_SHOWN_BELOW else None


def code_pause_minutes() -> int:
    """How long codes from an address stay paused after too many wrong ones (django-axes' cool-off)."""
    return int(get_cool_off().total_seconds() // 60)


@transaction.atomic
def code_pauses_lift(*, enrolment: Enrolment, by) -> int:
    """Let every address that typed wrong codes try again now, noted against this patient.

    Wrong codes are counted per address, never per patient (a wrong code says nothing about
    whose it was meant to be), so lifting the pause for the patient who called lifts it for
    every address. Links are never paused. Returns how many counts were cleared.
    """
    cleared = axes_reset(username=CODE_GUESSES)
    audit_record(user=by, enrolment=enrolment, action=AuditLogEntry.Action.LIFT_LOCKOUT)
    return cleared


@transaction.atomic
def enrolment_revoke(*, enrolment: Enrolment, by) -> None:
    """End a patient's access now, and note who did it: both or neither. Their record stays."""
    if enrolment.revoked_at is None:
        enrolment.revoked_at = timezone.now()
        enrolment.save(update_fields=["revoked_at"])
    audit_record(user=by, enrolment=enrolment, action=AuditLogEntry.Action.REVOKE)


def record_get_or_start(*, enrolment: Enrolment) -> ConsentRecord:
    """The patient's record, started (and its content frozen) on first use."""
    record = ConsentRecord.objects.filter(enrolment=enrolment).first()
    if record is not None:
        return record
    pathway = selectors.pathway_get_for_freezing(pk=enrolment.pathway_id)
    content = frozen.pathway_content(pathway=pathway, language=enrolment.language)
    try:
        with transaction.atomic():
            return ConsentRecord.objects.create(
                enrolment=enrolment,
                language=enrolment.language,
                content=content,
                content_hash=frozen.content_digest(content),
                pass_mark=content["pass_mark"],
                max_rounds=pathway.max_rounds,
            )
    except IntegrityError:
        # Two tabs started at once; the one-to-one constraint let one record in.
        return ConsentRecord.objects.get(enrolment=enrolment)


def record_lesson_viewed(*, record: ConsentRecord, lesson_slug: str) -> None:
    """Note that a lesson was read to its last step (not after completion: the record is then
    closed). Once per lesson."""
    if record.is_completed or frozen.lesson(record.content, lesson_slug) is None:
        return
    with transaction.atomic():
        # The record's row lock makes two tabs reaching the last step note it once.
        locked = ConsentRecord.objects.select_for_update().get(pk=record.pk)
        if locked.is_completed:
            return
        kind = RecordEvent.Kind.LESSON_VIEWED
        if not RecordEvent.objects.filter(record=locked, kind=kind, lesson=lesson_slug).exists():
            RecordEvent.objects.create(record=locked, kind=kind, lesson=lesson_slug)


def _note_once(record: ConsentRecord, kind: str, lesson: str, section: str) -> None:
    """Add a step or optional-part event unless it is there already (a unique constraint backs it)."""
    try:
        with transaction.atomic():
            RecordEvent.objects.get_or_create(record=record, kind=kind, lesson=lesson, section=section)
    except IntegrityError:
        pass  # the same step from another tab, at the same moment


def record_step_reached(*, record: ConsentRecord, step: selectors.LessonStep) -> None:
    """Note a lesson step the patient reached; reaching the last step marks the lesson read."""
    if record.is_completed:
        return
    _note_once(record, RecordEvent.Kind.STEP, step.lesson["slug"], step.step.section["slug"])
    if step.is_last:
        record_lesson_viewed(record=record, lesson_slug=step.lesson["slug"])


def record_more_opened(*, record: ConsentRecord, lesson_slug: str, section_slug: str) -> None:
    """Note that the patient opened a "More about this" part (the clinician sees which)."""
    if not record.is_completed:
        _note_once(record, RecordEvent.Kind.MORE_OPENED, lesson_slug, section_slug)


@transaction.atomic
def record_answer(*, record_id: int, ask: teachback.Ask, chosen: frozenset[int]) -> RecordEvent | None:
    """Store the answer to the question being asked and close the record when the check ends.

    Returns None, storing nothing, when `ask` is not the question due now (a double click, a
    stale tab, a completed record).
    """
    record = ConsentRecord.objects.select_for_update().get(pk=record_id)
    if record.is_completed:
        return None
    events = list(record.events.all())
    if selectors.record_next_ask(record=record, events=events) != ask:
        return None
    question = frozen.question(record.content, ask.question)
    mark = snapshot_mark(question, chosen)
    event = RecordEvent.objects.create(
        record=record,
        kind=RecordEvent.Kind.ANSWER,
        question=ask.question,
        slot=ask.slot,
        round=ask.round,
        chosen=sorted(chosen),
        correct=mark >= 1,
    )
    events.append(event)
    if selectors.record_next_ask(record=record, events=events) is None:
        answers = selectors.record_answers(events)
        outcome = teachback.result(frozen.items(record.content), answers, record.pass_mark)
        record.score = outcome.score
        record.rounds_used = teachback.rounds_used(answers)
        record.discussion_points = list(outcome.discussion_points)
        record.status = ConsentRecord.Status.MASTERY if outcome.mastery else ConsentRecord.Status.NEEDS_DISCUSSION
        record.completed_at = timezone.now()
        record.save()
    return event


class SignOffRefused(ValueError):
    """The record cannot be signed off (not completed); the message says why."""


def sign_off_refusal(record: ConsentRecord | None) -> str | None:
    """Why a record cannot be signed off now, or None if it can (the one rule for every page)."""
    if record is None or not record.is_completed:
        return _("Only a completed record can be signed off.")
    if getattr(record, "signoff", None) is not None:
        return _("This record was already signed off.")
    return None


@transaction.atomic
def record_sign_off(*, record: ConsentRecord, by, note: str = "") -> SignOff:
    """The clinician reviewed the record with the patient. Once only: signing off again returns
    the first sign-off. The record itself stays as it is."""
    if not record.is_completed:
        raise SignOffRefused(sign_off_refusal(record))
    existing = SignOff.objects.filter(record=record).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            signoff = SignOff.objects.create(record=record, by=by, note=note.strip())
    except IntegrityError:
        # Signed off from two tabs at once: the first one stands.
        return SignOff.objects.get(record=record)
    audit_record(user=by, enrolment=record.enrolment, action=AuditLogEntry.Action.SIGNOFF)
    return signoff


def audit_record(*, user, enrolment: Enrolment, action: str) -> AuditLogEntry:
    """Note that a staff user looked at or acted on a patient's record."""
    return AuditLogEntry.objects.create(user=user, enrolment=enrolment, action=action)
