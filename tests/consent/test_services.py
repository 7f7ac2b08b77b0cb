"""Consent services: enrolment and password-less access, the frozen record, answers, sign-off."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import roles
from quizzes.consent import frozen, services
from quizzes.consent.services import CODE_ALPHABET, CODE_LENGTH
from quizzes.models import ConsentRecord, Enrolment, LessonSection, RecordEvent, SignOff
from quizzes.rules.teachback import Ask
from tests.consent.factories import (
    answer_check,
    build_pathway,
    choice_id,
    enrol,
    next_ask,
    started_record,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    # q1 is a sibling of q0 (point p0); q0 and q2 are critical. Slots: q0, q2, q3, q4.
    return build_pathway(questions=5, critical=(0, 2), siblings={1: 0})


@pytest.fixture
def pathway(built):
    return built.pathway


@pytest.fixture
def clinician():
    return UserFactory(username="dr-consent", role=roles.CLINICIAN)


def answers_of(record):
    return list(RecordEvent.objects.filter(record=record, kind=RecordEvent.Kind.ANSWER))


# Enrolment --------------------------------------------------------------------------------------------


def test_enrolment_keeps_neither_the_code_nor_the_token_in_any_field(pathway):
    access = enrol(pathway)

    stored = Enrolment.objects.get(pk=access.enrolment.pk)
    for f in Enrolment._meta.concrete_fields:
        value = str(getattr(stored, f.attname))
        assert access.code not in value, f.name
        assert access.token not in value, f.name


def test_enrolment_code_is_eight_characters_without_look_alikes(pathway):
    codes = [enrol(pathway, label=f"P{n}").code for n in range(20)]

    assert CODE_LENGTH == 8
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set(CODE_ALPHABET) & set("0O1IL")


def test_enrolment_expires_after_fourteen_days_by_default(pathway):
    before = timezone.now()

    enrolment = enrol(pathway).enrolment

    assert timedelta(days=14) <= enrolment.expires_at - before < timedelta(days=14, minutes=1)


def test_enrolled_patient_has_no_usable_password_and_only_the_patient_role(pathway):
    user = enrol(pathway).enrolment.user

    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [roles.PATIENT]


# Signing in with the link or the code -------------------------------------------------------------------


def test_the_link_token_opens_the_enrolment(pathway):
    access = enrol(pathway)

    assert services.enrolment_authenticate(token=access.token) == access.enrolment


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.lower(),
        lambda code: f"{code[:4]}-{code[4:]}",
        lambda code: f"{code[:4]} {code[4:]}".lower(),
        lambda code: f"  {code}  ",
    ],
    ids=["as-printed", "lower-case", "with-dash", "lower-with-space", "padded"],
)
def test_the_code_opens_the_enrolment_however_it_is_typed(pathway, typed):
    access = enrol(pathway)

    assert services.enrolment_authenticate(code=typed(access.code)) == access.enrolment


def _wrong(access):
    return {"code": "ABCDEFGH" if access.code != "ABCDEFGH" else "HGFEDCBA"}


def _expired(access):
    Enrolment.objects.filter(pk=access.enrolment.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return {"code": access.code}


def _revoked(access):
    services.enrolment_revoke(enrolment=access.enrolment, by=UserFactory(role=roles.CLINICIAN))
    return {"code": access.code}


@pytest.mark.parametrize("spoil", [_wrong, _expired, _revoked], ids=["wrong", "expired", "revoked"])
def test_a_wrong_expired_or_revoked_code_opens_nothing_and_gives_no_hint(pathway, spoil):
    access = enrol(pathway)

    assert services.enrolment_authenticate(**spoil(access)) is None


@pytest.mark.parametrize("spoil", [_expired, _revoked], ids=["expired", "revoked"])
def test_an_expired_or_revoked_link_opens_nothing(pathway, spoil):
    access = enrol(pathway)
    spoil(access)

    assert services.enrolment_authenticate(token=access.token) is None


def test_the_code_does_not_work_as_a_token_nor_the_token_as_a_code(pathway):
    access = enrol(pathway)

    assert services.enrolment_authenticate(token=access.code) is None
    assert services.enrolment_authenticate(code=access.token) is None


def test_no_token_and_no_code_opens_nothing(pathway):
    enrol(pathway)

    assert services.enrolment_authenticate() is None
    assert services.enrolment_authenticate(code="") is None


# The frozen record --------------------------------------------------------------------------------------


def test_starting_twice_gives_the_same_record(pathway):
    enrolment = enrol(pathway).enrolment

    first = services.record_get_or_start(enrolment=enrolment)

    assert services.record_get_or_start(enrolment=enrolment) == first
    assert ConsentRecord.objects.count() == 1


def test_record_content_hash_is_the_digest_of_its_content(pathway):
    record = started_record(pathway)

    record.refresh_from_db()
    assert record.content_hash == frozen.content_digest(record.content)


def test_record_keeps_every_lesson_and_question_text_shown(built):
    record = started_record(built.pathway)

    content = record.content
    assert [lesson["title"] for lesson in content["lessons"]] == [lesson.title for lesson in built.lessons]
    assert "SECTION-BODY-1-1" in content["lessons"][0]["sections"][0]["body_html"]
    assert [q["stem"] for q in content["questions"]] == [q.stem for q in built.questions]
    assert content["pass_mark"] == 70


def test_editing_questions_and_lessons_later_does_not_change_the_record(built):
    record = started_record(built.pathway)
    content, digest = record.content, record.content_hash

    question = built.question(0)
    question.stem = "A NEW STEM"
    question.save()
    question.choices.update(text="A NEW CHOICE")
    section = LessonSection.objects.get(pk=built.sections[0].pk)
    section.body = "A NEW BODY"
    section.save()

    record.refresh_from_db()
    assert record.content == content
    assert record.content_hash == digest
    # ...while a patient starting now sees the new texts.
    fresh = started_record(built.pathway, label="Patient B")
    assert fresh.content["questions"][0]["stem"] == "A NEW STEM"
    assert fresh.content_hash != digest


def test_a_completed_record_keeps_its_content_when_questions_are_deleted(built):
    record = answer_check(started_record(built.pathway))
    content = record.content

    built.question(4).delete()

    record.refresh_from_db()
    assert record.content == content


def test_spanish_record_holds_the_spanish_texts(pathway):
    enrolment = enrol(pathway, language="es").enrolment

    record = services.record_get_or_start(enrolment=enrolment)

    assert record.language == "es"
    assert record.content["pathway"]["title"] == "Preparación para la cifoplastia"
    assert record.content["questions"][0]["stem"].startswith("PREGUNTA-")
    assert record.content["questions"][0]["choices"][0]["text"].startswith("Opción")


def test_spanish_enrolment_on_a_pathway_without_spanish_text_is_refused():
    pathway = build_pathway(slug="english-only", spanish=False).pathway

    with pytest.raises(frozen.MissingTranslation):
        enrol(pathway, language="es")
    assert not Enrolment.objects.exists()


def test_spanish_enrolment_is_refused_when_one_choice_lacks_spanish_text(built):
    choice = built.question(3).choices.first()
    choice.translations = {}
    choice.save()

    with pytest.raises(frozen.MissingTranslation):
        enrol(built.pathway, language="es")


def test_lesson_view_of_an_unknown_lesson_is_not_recorded(pathway):
    record = started_record(pathway, lessons_read=False)

    services.record_lesson_viewed(record=record, lesson_slug="not-a-lesson")

    assert not record.events.exists()


# Answers ------------------------------------------------------------------------------------------------


def test_the_answer_to_the_question_asked_is_stored(pathway):
    record = started_record(pathway)
    ask = next_ask(record)

    event = services.record_answer(
        record_id=record.pk, ask=ask, chosen=frozenset({choice_id(record.content, ask.question, right=True)})
    )

    assert (event.slot, event.question, event.round, event.correct) == (ask.slot, ask.question, 1, True)
    assert answers_of(record) == [event]


def test_a_repeated_answer_returns_none_and_stores_nothing_more(pathway):
    record = started_record(pathway)
    ask = next_ask(record)
    chosen = frozenset({choice_id(record.content, ask.question, right=True)})
    services.record_answer(record_id=record.pk, ask=ask, chosen=chosen)

    assert services.record_answer(record_id=record.pk, ask=ask, chosen=chosen) is None
    assert len(answers_of(record)) == 1


def test_an_answer_to_a_question_not_due_now_returns_none_and_stores_nothing(built):
    record = started_record(built.pathway)
    stale = Ask(slot=built.question(2).name, question=built.question(2).name, round=1)

    chosen = frozenset({choice_id(record.content, stale.question, right=True)})
    assert services.record_answer(record_id=record.pk, ask=stale, chosen=chosen) is None
    assert answers_of(record) == []


def test_an_answer_for_a_later_round_than_due_is_ignored(pathway):
    record = started_record(pathway)
    ask = next_ask(record)
    ahead = Ask(slot=ask.slot, question=ask.question, round=2)

    chosen = frozenset({choice_id(record.content, ask.question, right=True)})
    assert services.record_answer(record_id=record.pk, ask=ahead, chosen=chosen) is None
    assert answers_of(record) == []


def test_an_answer_after_completion_is_ignored(pathway):
    record = answer_check(started_record(pathway))
    last = answers_of(record)[-1]
    ask = Ask(slot=last.slot, question=last.question, round=last.round)

    assert services.record_answer(record_id=record.pk, ask=ask, chosen=frozenset(last.chosen)) is None
    assert len(answers_of(record)) == 4


def test_a_choice_of_another_question_is_marked_wrong(built):
    record = started_record(built.pathway)
    ask = next_ask(record)
    other = choice_id(record.content, built.question(3).name, right=True)

    event = services.record_answer(record_id=record.pk, ask=ask, chosen=frozenset({other}))

    assert event.correct is False


def test_record_stays_in_progress_until_the_check_ends(pathway):
    record = answer_check(started_record(pathway), limit=3)

    assert record.status == ConsentRecord.Status.IN_PROGRESS
    assert record.completed_at is None
    assert record.score is None


def test_all_right_completes_the_record_with_mastery(pathway):
    record = answer_check(started_record(pathway), right=True)

    assert record.status == ConsentRecord.Status.MASTERY
    assert record.completed_at is not None
    assert record.score == Decimal("100.00")
    assert record.rounds_used == 1
    assert record.discussion_points == []


def test_missed_critical_question_answered_right_on_its_sibling_still_reaches_mastery(built):
    q0 = built.question(0).name
    record = answer_check(started_record(built.pathway), right=lambda ask: ask.question != q0)

    assert [(e.question, e.round, e.correct) for e in answers_of(record) if e.slot == q0] == [
        (q0, 1, False),
        (built.question(1).name, 2, True),
    ]
    assert record.status == ConsentRecord.Status.MASTERY
    assert record.rounds_used == 2


def test_critical_question_wrong_every_round_needs_discussion(built):
    q2 = built.question(2).name
    record = answer_check(started_record(built.pathway), right=lambda ask: ask.slot != q2)

    assert record.status == ConsentRecord.Status.NEEDS_DISCUSSION
    assert record.score == Decimal("75.00")
    assert record.rounds_used == 3
    assert record.discussion_points == [q2]


def test_all_wrong_needs_discussion_of_every_point(built):
    record = answer_check(started_record(built.pathway), right=False)

    assert record.status == ConsentRecord.Status.NEEDS_DISCUSSION
    assert record.score == Decimal("0.00")
    assert record.rounds_used == 3
    assert record.discussion_points == [built.question(i).name for i in (0, 2, 3, 4)]
    assert len(answers_of(record)) == 4 * 3


def test_a_completed_record_cannot_be_saved_again(pathway):
    record = answer_check(started_record(pathway))

    record.discussion_points = ["tampered"]
    with pytest.raises(ValueError):
        record.save()
    fresh = ConsentRecord.objects.get(pk=record.pk)
    with pytest.raises(ValueError):
        fresh.save()
    assert ConsentRecord.objects.get(pk=record.pk).discussion_points == []


def test_no_lesson_view_is_added_to_a_completed_record(pathway):
    record = answer_check(started_record(pathway))
    before = record.events.count()

    services.record_lesson_viewed(record=record, lesson_slug=record.content["lessons"][0]["slug"])

    assert record.events.count() == before


# Sign-off ----------------------------------------------------------------------------------------------


def test_sign_off_of_an_incomplete_record_is_refused(pathway, clinician):
    record = answer_check(started_record(pathway), limit=2)

    with pytest.raises(ValueError):
        services.record_sign_off(record=record, by=clinician)
    assert not SignOff.objects.exists()


def test_sign_off_records_who(pathway, clinician):
    record = answer_check(started_record(pathway))

    signoff = services.record_sign_off(record=record, by=clinician, note="  Went over the risks.  ")

    assert (signoff.by, signoff.note) == (clinician, "Went over the risks.")


def test_signing_off_twice_keeps_the_first_sign_off(pathway, clinician):
    record = answer_check(started_record(pathway))
    first = services.record_sign_off(record=record, by=clinician, note="first")

    second = services.record_sign_off(record=record, by=UserFactory(role=roles.CLINICIAN), note="second")

    assert second == first
    assert SignOff.objects.get().note == "first"


def test_sign_off_leaves_the_record_as_it_was(pathway, clinician):
    record = answer_check(started_record(pathway))
    before = ConsentRecord.objects.filter(pk=record.pk).values().get()

    services.record_sign_off(record=record, by=clinician)

    assert ConsentRecord.objects.filter(pk=record.pk).values().get() == before


def test_revoking_and_its_audit_row_are_stored_together(pathway, monkeypatch):
    from django.db import DatabaseError

    from quizzes.consent import services as consent_services

    issued = enrol(pathway)
    clinician = UserFactory()

    def audit_fails(**kwargs):
        raise DatabaseError("audit log unavailable")

    monkeypatch.setattr(consent_services, "audit_record", audit_fails)
    with pytest.raises(DatabaseError):
        consent_services.enrolment_revoke(enrolment=issued.enrolment, by=clinician)
    issued.enrolment.refresh_from_db()
    assert issued.enrolment.revoked_at is None


def test_sign_off_refusal_names_the_reason(pathway):
    from quizzes.consent.services import sign_off_refusal

    assert sign_off_refusal(None) == "Only a completed record can be signed off."
