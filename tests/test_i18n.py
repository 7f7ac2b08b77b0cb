"""Spanish UI: the catalogue is complete and compiled, and a Spanish-enrolled patient never
sees an English UI sentence anywhere on the consent pathway.

The .po file is parsed by hand (no polib). The page check takes every English msgid whose
Spanish msgstr differs, cuts it at its placeholders and HTML tags, and looks for each piece of
three words or more, case-sensitively, in the page's visible text (and in the labels a screen
reader reads out). Django's own Spanish catalogue is checked the same way, so form errors from
Django count too.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from axes.utils import reset as axes_reset
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from quizzes.consent import services
from quizzes.models import (
    Audience,
    Choice,
    ConsentRecord,
    Lesson,
    LessonSection,
    Pathway,
    PathwayStep,
    Question,
    Quiz,
)
from tests.consent.factories import next_ask, shown_values

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
DJANGO_MO = Path(django.__file__).parent / "conf" / "locale" / "es" / "LC_MESSAGES" / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%")
# Where a msgid is cut before looking for its pieces: placeholders, HTML tags, and the
# upper-case tokens that JavaScript replaces (ANSWERED, TOTAL, COUNT).
CUT = re.compile(r"%\(\w+\)[sdif]|%%|<[^>]*>|\b[A-Z]{4,}\b")
MIN_WORDS = 3


# The catalogue ----------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def english(self) -> list[str]:
        return [self.msgid] + ([self.msgid_plural] if self.msgid_plural else [])

    @property
    def spanish(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` entries and `#|` previous strings left out)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def start(lineno: int) -> Entry:
        nonlocal entry
        if entry is None or "msgid" in seen:
            entry = Entry(line=lineno)
            entries.append(entry)
            seen.clear()
        return entry

    seen: set[str] = set()
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#~", "#|")):
            if not line:
                target = None
            continue
        if line.startswith("#,"):
            start(lineno).flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, literal = match.groups()
            value = ast.literal_eval(literal)
            if keyword == "msgctxt":
                start(lineno).msgctxt = value
                target = ("msgctxt", None)
            elif keyword == "msgid":
                current = start(lineno)
                current.msgid, target = value, ("msgid", None)
                seen.add("msgid")
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", None)
            else:
                number = int(index) if index is not None else 0
                entry.msgstr[number], target = value, ("msgstr", number)
            continue
        if line.startswith('"') and target is not None:
            value = ast.literal_eval(line)
            name, number = target
            if name == "msgstr":
                entry.msgstr[number] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise AssertionError(f"{path.name}:{lineno}: cannot read {raw!r}")
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if not e.is_header]


def mo_catalogue(path: Path) -> dict:
    """A compiled catalogue's messages as gettext reads them (the header left out)."""
    with path.open("rb") as fh:
        catalogue = dict(gettext.GNUTranslations(fh)._catalog)
    catalogue.pop("", None)
    return catalogue


def po_catalogue(entries: list[Entry]) -> dict:
    """What a compiled .po should hold, keyed the way gettext keys a compiled catalogue."""
    catalogue: dict = {}
    for e in messages(entries):
        if "fuzzy" in e.flags or not all(e.msgstr.values()):
            continue  # msgfmt leaves these out
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            catalogue[key] = e.msgstr[0]
        else:
            catalogue.update({(key, i): text for i, text in e.msgstr.items()})
    return catalogue


def pieces(text: str) -> list[str]:
    """The runs of a msgid worth looking for: cut at placeholders and tags, three words or more."""
    found = []
    for piece in CUT.split(text):
        piece = " ".join(piece.split()).strip(" :;,.")
        if len(piece.split()) >= MIN_WORDS:
            found.append(piece)
    return found


def english_pieces() -> dict[str, str]:
    """English pieces a Spanish page must not show, each with the msgid it comes from.

    From this project's catalogue and Django's own, only where the Spanish differs.
    """
    forbidden: dict[str, str] = {}
    for e in messages(parse_po(PO)):
        for english in e.english:
            if english in e.spanish:
                continue
            for piece in pieces(english):
                if not any(piece in spanish for spanish in e.spanish):
                    forbidden.setdefault(piece, english)
    for key, spanish in mo_catalogue(DJANGO_MO).items():
        english = key[0] if isinstance(key, tuple) else key
        if english != spanish:
            for piece in pieces(english.split("\x04")[-1]):
                if piece not in spanish:
                    forbidden.setdefault(piece, english)
    return forbidden


def test_po_header_is_spanish_with_two_plural_forms():
    entries = parse_po(PO)
    header = next(e for e in entries if e.is_header)
    assert "fuzzy" not in header.flags, "the header is fuzzy: msgfmt would drop it, and the plural forms with it"
    assert "Language: es\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = messages(parse_po(PO))
    assert len(entries) > 100, "the catalogue looks truncated"
    problems = []
    for e in entries:
        if "fuzzy" in e.flags:
            problems.append(f"django.po:{e.line}: fuzzy: {e.msgid!r}")
        expected = 2 if e.msgid_plural is not None else 1
        if len(e.msgstr) != expected or not all(text.strip() for text in e.msgstr.values()):
            problems.append(f"django.po:{e.line}: not translated: {e.msgid!r}")
    assert not problems, "run makemessages, translate, then compilemessages:\n" + "\n".join(problems)


def test_placeholders_are_kept_in_every_translation():
    problems = []
    for e in messages(parse_po(PO)):
        wanted = sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
        for text in e.spanish:
            if sorted(PLACEHOLDER.findall(text)) != wanted and "python-format" in e.flags:
                problems.append(f"django.po:{e.line}: {e.msgid!r} -> {text!r}")
    assert not problems, "placeholders changed:\n" + "\n".join(problems)


def test_compiled_catalogue_holds_exactly_what_the_po_says():
    """Works without msgfmt: the committed .mo, read back, against the .po read by hand."""
    assert MO.exists(), f"{MO} is missing: run `manage.py compilemessages -l es`"
    compiled, source = mo_catalogue(MO), po_catalogue(parse_po(PO))
    stale = sorted(str(k) for k in source.keys() - compiled.keys())
    extra = sorted(str(k) for k in compiled.keys() - source.keys())
    changed = sorted(str(k) for k in source.keys() & compiled.keys() if source[k] != compiled[k])
    assert not (stale or extra or changed), (
        "django.mo is out of date with django.po: run `manage.py compilemessages -l es`\n"
        f"missing from .mo: {stale[:10]}\nonly in .mo: {extra[:10]}\ndifferent: {changed[:10]}"
    )


def test_compiled_catalogue_is_what_msgfmt_makes_now(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(PO)], check=True, capture_output=True)
    if fresh.read_bytes() == MO.read_bytes():
        return
    # Another gettext version may lay the file out differently; the messages must still match.
    assert mo_catalogue(fresh) == mo_catalogue(MO), "django.mo is stale: run `manage.py compilemessages -l es`"


def test_parser_sees_fuzzy_and_untranslated_entries(tmp_path):
    """The checks above can fail: the hand-written parser notices what they look for."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        '#: a.html:1\n#, fuzzy\n#| msgid "Old"\nmsgid "Stop for now"\nmsgstr "Salir"\n\n'
        'msgid "Two"\n"\\"lines\\""\nmsgstr ""\n\n'
        '#, python-format\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s día"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    fuzzy, empty, plural = messages(parse_po(po))
    assert fuzzy.flags == {"fuzzy"} and fuzzy.msgid == "Stop for now" and fuzzy.msgstr == {0: "Salir"}
    assert empty.msgid == 'Two"lines"' and empty.msgstr == {0: ""}
    assert plural.msgid_plural == "%(n)s days" and plural.msgstr == {0: "%(n)s día", 1: ""}
    assert pieces("You have not answered %(n)s question. Unanswered questions count as wrong.") == [
        "You have not answered",
        "question. Unanswered questions count as wrong",
    ]


# The pathway, page by page ----------------------------------------------------------------------

CONTENT = {
    "lesson_title": ("What kyphoplasty is", "Qué es la cifoplastia"),
    "lesson_summary": ("A short look at the operation.", "Un vistazo corto a la operación."),
    "section_title": ("The bone cement", "El cemento óseo"),
    "section_body": (
        "The doctor puts bone cement into the broken bone. It sets in minutes.",
        "El médico pone cemento óseo en el hueso roto. Se endurece en pocos minutos.",
    ),
    "stem": ("What goes into the broken bone?", "¿Qué se pone en el hueso roto?"),
    "explanation": ("Bone cement goes into the bone.", "Se pone cemento óseo en el hueso."),
    "right": ("Bone cement", "Cemento óseo"),
    "wrong": ("A metal plate", "Una placa de metal"),
    "wrong_feedback": ("No plate is used in this operation.", "En esta operación no se usa una placa."),
    "pathway_title": ("Getting ready for kyphoplasty", "Preparación para la cifoplastia"),
    "more_title": ("How the cement sets", "Cómo se endurece el cemento"),
    "more_body": ("The cement gets hard in a few minutes.", "El cemento se pone duro en unos minutos."),
    "practice_stem": ("Does the cement stay soft?", "¿El cemento se queda blando?"),
    "practice_right": ("No, it gets hard", "No, se pone duro"),
    "practice_wrong": ("Yes, it stays soft", "Sí, se queda blando"),
}


@dataclass
class Built:
    pathway: Pathway
    lesson: Lesson
    right: Choice
    wrong: Choice


@pytest.fixture
def built(db) -> Built:
    def en(key):
        return CONTENT[key][0]

    def es(key):
        return CONTENT[key][1]

    lesson = Lesson.objects.create(
        slug="i18n-kyphoplasty",
        title=en("lesson_title"),
        audience=Audience.PATIENT,
        summary=en("lesson_summary"),
        translations={"es": {"title": es("lesson_title"), "summary": es("lesson_summary")}},
    )
    section = LessonSection.objects.create(
        lesson=lesson,
        slug="cement",
        title=en("section_title"),
        body=en("section_body"),
        translations={"es": {"title": es("section_title"), "body": es("section_body")}},
    )
    LessonSection.objects.create(
        lesson=lesson,
        slug="how-it-sets",
        position=1,
        optional=True,
        title=en("more_title"),
        body=en("more_body"),
        translations={"es": {"title": es("more_title"), "body": es("more_body")}},
    )
    quiz = Quiz.objects.create(
        slug="i18n-check", title="Check", audience=Audience.PATIENT, translations={"es": {"title": "Preguntas"}}
    )
    question = Question.objects.create(
        quiz=quiz,
        name="cement",
        kind=Question.Kind.SINGLE,
        stem=en("stem"),
        explanation=en("explanation"),
        section=section,
        point="cement",
        translations={"es": {"stem": es("stem"), "explanation": es("explanation")}},
    )
    right = Choice.objects.create(
        question=question,
        position=0,
        text=en("right"),
        fraction=1,
        translations={"es": {"text": es("right")}},
    )
    wrong = Choice.objects.create(
        question=question,
        position=1,
        text=en("wrong"),
        fraction=0,
        feedback=en("wrong_feedback"),
        translations={"es": {"text": es("wrong"), "feedback": es("wrong_feedback")}},
    )
    practice = Question.objects.create(
        quiz=quiz,
        name="cement-sets",
        position=1,
        kind=Question.Kind.SINGLE,
        stem=en("practice_stem"),
        practice=True,
        point="cement-sets",
        translations={"es": {"stem": es("practice_stem")}},
    )
    for position, key, fraction in ((0, "practice_right", 1), (1, "practice_wrong", 0)):
        Choice.objects.create(
            question=practice,
            position=position,
            text=en(key),
            fraction=fraction,
            translations={"es": {"text": es(key)}},
        )
    pathway = Pathway.objects.create(
        slug="i18n-pathway",
        title=en("pathway_title"),
        check_quiz=quiz,
        max_rounds=2,
        translations={"es": {"title": es("pathway_title")}},
    )
    PathwayStep.objects.create(pathway=pathway, lesson=lesson, position=1)
    axes_reset()  # the wrong link below is a failed sign-in for django-axes: start clean
    return Built(pathway=pathway, lesson=lesson, right=right, wrong=wrong)


@dataclass
class Page:
    name: str
    status: int
    html: str

    @cached_property
    def text(self) -> str:
        return visible_text(self.html)


class _TextParser(HTMLParser):
    """Text a patient sees or hears: text nodes, plus labels read out by screen readers."""

    SKIP = {"script", "style", "template", "noscript"}
    READ_OUT = ("aria-label", "alt", "title", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        attrs = dict(attrs)
        self.parts.extend(attrs[name] for name in self.READ_OUT if attrs.get(name))
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def _hidden_inputs(html: str, action: str | None = None) -> dict[str, str]:
    """The hidden fields of the check form, or of the form posting to `action` (whatever they are called)."""
    action = action or reverse("quizzes:pathway_check")
    form = re.search(r'<form[^>]*action="' + re.escape(action) + r'".*?</form>', html, re.S)
    assert form, "no check form on the page"
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form.group(0)):
        if re.search(r'type="hidden"', tag):
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            fields[name] = value.group(1) if value else ""
    return fields


def _choice_values(html: str) -> set[str]:
    return set(re.findall(r'name="choice" value="(\d+)"', html))


def walk_pathway(built: Built, language: str) -> list[Page]:
    """A patient enrolled in `language` goes through every page of the pathway, answering
    wrong every time (so the re-ask and the discussion points show too)."""
    home, check = reverse("quizzes:pathway_home"), reverse("quizzes:pathway_check")
    pages: list[Page] = []

    def get(name: str, url: str, client: Client, **extra) -> Page:
        response = client.get(url, **extra)
        page = Page(name, response.status_code, response.content.decode())
        pages.append(page)
        return page

    access = services.enrolment_create(label=f"i18n {language}", pathway=built.pathway, language=language)
    patient = Client(HTTP_ACCEPT_LANGUAGE="en" if language == "es" else "es")  # the browser says the opposite
    response = patient.get(reverse("quizzes:consent_link", args=[access.token]), follow=True)
    assert response.redirect_chain == [(reverse("quizzes:pathway_resume"), 302), (home, 302)], response.redirect_chain
    pages.append(Page("pathway home, new", response.status_code, response.content.decode()))

    get("lesson", reverse("quizzes:pathway_lesson_step", args=[built.lesson.slug, 1]), patient)
    get("more about this", reverse("quizzes:pathway_more", args=[built.lesson.slug, "how-it-sets"]), patient)
    get("pathway home, lessons read", home, patient)
    page = get("check, first round", check, patient)
    assert _choice_values(page.html) == {"1", "2"}

    response = patient.post(check, _hidden_inputs(page.html))  # no choice: the form error
    pages.append(Page("check, no answer chosen", response.status_code, response.content.decode()))
    assert response.status_code == 400

    for round_no in (1, 2):
        page = pages[-1] if round_no == 1 else get("check, asked again", check, patient)
        record = ConsentRecord.objects.get(enrolment=access.enrolment)
        wrong = shown_values(record, next_ask(record), [built.wrong.pk])
        response = patient.post(check, {**_hidden_inputs(page.html), "choice": wrong})
        assert response.status_code == 302, f"round {round_no}: {response.status_code}"
        feedback = get(f"feedback, wrong answer, round {round_no}", response["Location"], patient)
        assert feedback.status == 200

    get("pathway home, completed", home, patient)
    get("ending", reverse("quizzes:pathway_done"), patient)
    practice = get("practice question", reverse("quizzes:pathway_practice", args=[1]), patient)
    answer = patient.post(
        reverse("quizzes:pathway_practice", args=[1]),
        {
            **_hidden_inputs(practice.html, reverse("quizzes:pathway_practice", args=[1])),
            "choice": "1",
        },  # right or wrong, the page answers at once
    )
    pages.append(Page("practice question, answered", answer.status_code, answer.content.decode()))
    assert patient.get(check).status_code == 302  # nothing more to ask

    visitor = Client()
    get("code entry", f"{reverse('quizzes:consent_code')}?lang={language}", visitor)
    response = visitor.post(f"{reverse('quizzes:consent_code')}?lang={language}", {"code": ""})
    pages.append(Page("code entry, empty code", response.status_code, response.content.decode()))
    stranger = Client(HTTP_ACCEPT_LANGUAGE=language)
    get("access problem", reverse("quizzes:consent_link", args=["not-a-real-token"]), stranger)

    guesser = Client(HTTP_ACCEPT_LANGUAGE=language)
    wrong = "ABCD-EFGH" if access.code != "ABCDEFGH" else "HGFE-DCBA"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = guesser.post(f"{reverse('quizzes:consent_code')}?lang={language}", {"code": wrong})
    pages.append(Page("code entry, wrong code", response.status_code, response.content.decode()))
    for _ in range(2):
        response = guesser.post(f"{reverse('quizzes:consent_code')}?lang={language}", {"code": wrong})
    assert response.status_code == 429, response.status_code
    pages.append(Page("locked out", response.status_code, response.content.decode()))
    return pages


# What each page must say (by msgid); a Spanish page says the same in Spanish.
EXPECTED = {
    "pathway home, new": [
        "Read each lesson, one short part at a time. Then answer the questions. If an answer is not right, we "
        "explain it and ask again later. You can stop at any time and come back to where you were.",
        "Stop for now",
        "About %(minutes)s minutes: %(lessons)s short lessons and %(questions)s questions",
        "%(answered)s of %(total)s answered",
        "Start the first lesson",
    ],
    "lesson": ["Lesson %(lesson)s of %(lessons)s, part %(step)s of %(steps)s", "Go to the questions", "Listen"],
    "more about this": ["More about this: %(title)s", "Back to the lesson", "Listen"],
    "pathway home, lessons read": ["Start the questions", "Questions about what you read"],
    "check, first round": ["Question %(number)s of %(total)s", "Choose one answer.", "Check my answer", "Listen"],
    "check, no answer chosen": ["Please choose an answer."],
    "feedback, wrong answer, round 1": [
        "Not quite. Let us look at this again.",
        "You chose:",
        "From the lesson: %(title)s",
        "We will ask about this again a little later.",
    ],
    "check, asked again": ["Going over it again: %(number)s of %(total)s"],
    "feedback, wrong answer, round 2": ["Not quite. Let us look at this again.", "See what happens next"],
    "pathway home, completed": [
        "You have finished",
        "Thank you. You have finished the lessons and questions.",
        "What happens next",
        "Your clinic will see your answers before your visit.",
        "Points to talk about",
        "Some points are hard to learn from a screen. Your clinician will go over these with you:",
        "You can close this page now.",
        "Read the lessons again",
    ],
    "ending": [
        "You have finished",
        "What happens next",
        "Your clinician will talk with you about the procedure and your choices. You decide after that talk.",
        "Bring any questions you have. It is fine to ask a lot.",
        "Points to talk about",
        "You can close this page now.",
        "Read the lessons again",
    ],
    "practice question": [
        "Extra practice",
        "These questions are for practice only. You can skip them.",
        "Choose one answer.",
        "Check my answer",
    ],
    "practice question, answered": ["Extra practice", "Stop practising"],
    "code entry": ["Start your lessons", "Your clinic gave you a short code. Type it here to begin.", "Your code"],
    "code entry, empty code": ["Start your lessons"],
    "access problem": [
        "We could not open your lessons",
        "Please call or visit your clinic. They can give you a new link or code.",
    ],
    "code entry, wrong code": ["That code does not match. Check the letters and numbers and try again."],
    "locked out": [
        "Too many tries",
        "For your safety, we have paused codes for %(minutes)s minutes.",
        "If your clinic gave you a link, it still works: open it to go to your lessons.",
        "Please wait and try again, or call your clinic. They can help you.",
    ],
}
CONTENT_PAGES = {
    "lesson": ["lesson_title", "section_title", "section_body"],
    "check, first round": ["stem", "right", "wrong"],
    "feedback, wrong answer, round 1": ["stem", "wrong", "wrong_feedback", "explanation", "section_body"],
    "pathway home, completed": ["lesson_title", "stem"],
    "ending": ["stem"],
    "more about this": ["lesson_title", "more_title", "more_body"],
    "practice question": ["practice_stem", "practice_right", "practice_wrong"],
}


def _in(page: Page, msgid: str, language: str) -> list[str]:
    """The runs of `msgid` in `language` (cut at placeholders) that the page does not show."""
    with translation.override(language):
        text = translation.gettext(msgid)
    runs = [" ".join(run.split()).strip(" :;,.") for run in CUT.split(text)]
    return [run for run in runs if run and run not in page.text]


def test_spanish_patient_never_sees_english_on_the_pathway(built):
    pages = walk_pathway(built, "es")
    assert [p.name for p in pages] == list(EXPECTED), [p.name for p in pages]
    forbidden = english_pieces()
    forbidden.update({CONTENT[key][0]: f"content {key}" for key in CONTENT if len(CONTENT[key][0].split()) > 1})
    problems = []
    for page in pages:
        if '<html lang="es">' not in page.html:
            problems.append(f'{page.name}: not <html lang="es">')
        for piece, source in forbidden.items():
            if piece in page.text:
                problems.append(f"{page.name}: English {piece!r} (from {source!r})")
        for msgid in EXPECTED[page.name]:
            problems += [f"{page.name}: Spanish for {msgid!r} missing: {p!r}" for p in _in(page, msgid, "es")]
        for key in CONTENT_PAGES.get(page.name, []):
            if CONTENT[key][1] not in page.text:
                problems.append(f"{page.name}: Spanish content {key} missing")
    assert not problems, "\n".join(problems)


def test_english_patient_sees_the_english_strings(built):
    """The other way round, so the check above is known to be able to fail."""
    pages = walk_pathway(built, "en")
    forbidden = english_pieces()
    problems = []
    for page in pages:
        if '<html lang="en">' not in page.html:
            problems.append(f'{page.name}: not <html lang="en">')
        for msgid in EXPECTED[page.name]:
            problems += [f"{page.name}: English {msgid!r} missing: {p!r}" for p in _in(page, msgid, "en")]
        for key in CONTENT_PAGES.get(page.name, []):
            if CONTENT[key][0] not in page.text:
                problems.append(f"{page.name}: English content {key} missing")
        if not any(piece in page.text for piece in forbidden):
            problems.append(f"{page.name}: the English detector finds nothing on an English page")
    assert not problems, "\n".join(problems)
