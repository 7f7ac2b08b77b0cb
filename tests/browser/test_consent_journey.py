"""The consent education journey in real Chromium, as the issue's "Done when" describes it.

A clinician logs in and enrols a patient; in a fresh browser context (no cookies) the patient
opens the link, reads every lesson step by step, misses a critical question on purpose, gets the
teach-back, answers that point right when it comes back, and reaches the ending; the clinician
then sees the record with its timeline, signs off and downloads the PDF, whose text is checked.
A patient who stops mid-lesson comes back to the same step; "Listen" speaks the text in the
page's language (the browser's speech is stubbed).

The content is the real kyphoplasty pathway (`load_content`): what patients see. Right and wrong
answers are picked from the record's frozen content in the database (by the stem on the page),
never from the page itself.
"""

import datetime
import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from quizzes import roles
from quizzes.consent import frozen, selectors, services
from quizzes.models import AuditLogEntry, ConsentRecord, Enrolment, Pathway, RecordEvent, SignOff
from quizzes.rules import pathway as core
from quizzes.rules import teachback

PASSWORD = "Vertebra-Cement-2026!"
TIMEOUT_MS = 5_000
PDF_TIMEOUT_MS = 20_000
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

CHECK_URL = re.compile(r"/consent/pathway/check/$")
FEEDBACK_URL = re.compile(r"/consent/pathway/answers/\d+/$")
HOME_URL = re.compile(r"/consent/pathway/$")
DONE_URL = re.compile(r"/consent/pathway/done/$")
AFTER_ANSWER_URL = re.compile(r"/consent/pathway/(check|done|answers/\d+)/$")

# English UI text a Spanish-speaking patient must never see: every string the patient pages'
# templates translate (read from the templates, so a new string is covered the day it is added),
# plus the English choice texts of true/false questions. Checked as whole words or phrases.
PATIENT_TEMPLATES = [
    # The consent part's templates, less the clinician's pages in staff/.
    *sorted(
        p for p in (Path(settings.BASE_DIR) / "templates/quizzes/consent").rglob("*.html") if "staff" not in p.parts
    ),
    Path(settings.BASE_DIR) / "templates/base.html",
]
MUST_BE_AMONG_THEM = {
    "Check my answer",
    "Next",
    "Not quite. Let us look at this again.",
    "We will ask about this again a little later.",
    "Stop for now",
    "Listen",
    "Question",
    "Choose one answer.",
    "You have finished",
    "You can close this page now.",
    "That is right.",
    "From the lesson",
    "KyphoQuiz supports, and never replaces, the conversation with your care team.",
}
EXTRA_ENGLISH = ["True or false", "True", "False"]


def english_ui_phrases() -> list[str]:
    found = list(EXTRA_ENGLISH)
    for path in PATIENT_TEMPLATES:
        source = path.read_text()
        found += [m.group(2) for m in re.finditer(r"""{%\s*translate\s+(["'])(.+?)\1""", source)]
        for m in re.finditer(r"{%\s*blocktranslate\b.*?%}(.*?){%\s*endblocktranslate\s*%}", source, re.DOTALL):
            # "Question {{ number }} of {{ total }}" -> "Question", "of"
            found += re.split(r"{{.*?}}", m.group(1))
    phrases = {phrase_core(f) for f in found}
    return sorted((p for p in phrases if re.search(r"[A-Za-z]", p)), key=len, reverse=True)


def phrase_core(text: str) -> str:
    """Without the punctuation around it, so it is matched as whole words."""
    return norm(text).strip(" :,;.()…“”\"'")


def norm(text: str) -> str:
    return " ".join(text.split())


def plain(html_text: str) -> str:
    """Visible text of a bit of rendered Markdown."""
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", html_text)))


# Fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def kyphoplasty(transactional_db) -> Pathway:
    """The real content: 3 patient lessons and a 44-question check (33 points), in English and Spanish."""
    call_command("load_content", stdout=io.StringIO())
    roles.roles_sync()  # the groups, in case the flush between tests took them
    return Pathway.objects.get(slug="kyphoplasty")


@pytest.fixture
def clinician(transactional_db, django_user_model):
    roles.roles_sync()
    user = django_user_model.objects.create_user(username="dr_rivera", password=PASSWORD)
    roles.role_assign(user=user, role=roles.CLINICIAN)
    return user


@pytest.fixture
def staff_page(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


def patient_context(new_context, **kwargs) -> BrowserContext:
    context = new_context(**kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    assert context.cookies() == [], "the patient's browser must start without cookies"
    return context


# The clinician's side ---------------------------------------------------------------------------


def clinician_logs_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.get_by_role("button", name=f"Log out ({user.get_username()})")).to_be_attached()


LANGUAGE_LABELS = {"en": "English", "es": "Español"}
SHEET_HEADING = "Getting ready for your consent conversation"


def clinician_enrols(page: Page, live_server, pathway: Pathway, *, label: str, language: str) -> tuple[str, str]:
    """Enrol from the staff page; returns the link and the code read off the page (the access
    sheet to hand to the patient is in the patient's language)."""
    page.goto(f"{live_server.url}/staff/patients/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrol a patient")
    page.get_by_label("Patient label").fill(label)
    page.get_by_label("Procedure").select_option(label=pathway.title)
    page.get_by_label("Planned date").fill((datetime.date.today() + datetime.timedelta(days=10)).isoformat())
    page.get_by_label(LANGUAGE_LABELS[language], exact=True).check()
    page.get_by_role("button", name="Enrol and show the access code").click()

    sheet = page.locator("section.access-sheet")
    expect(sheet).to_have_attribute("lang", language)
    heading = sheet.get_by_role("heading", level=1)
    if language == "en":
        expect(heading).to_have_text(SHEET_HEADING)
    else:
        expect(heading).not_to_have_text(SHEET_HEADING)
    code = norm(page.locator(".access-code").inner_text())
    link = page.locator(".access-link a").get_attribute("href")
    # 8 characters shown as two groups of four, none of the look-alikes 0/O, 1/l/I.
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    assert not set(code) & set("0O1lI"), code
    assert link.startswith(f"{live_server.url}/consent/"), link
    assert page.locator(".access-link a").inner_text() == link
    # How long it takes, computed from the content in the patient's language.
    size = selectors.pathway_core_size(pathway=pathway, language=language)
    assert size.words <= core.MAX_CORE_WORDS and size.questions <= core.MAX_CORE_QUESTIONS
    expect(page.locator("#sheet-time")).to_contain_text(str(size.minutes))
    if language == "en":
        expect(page.locator("#sheet-time")).to_contain_text(
            f"About {size.minutes} minutes: {size.lessons} short lessons and {size.questions} questions"
        )
    return link, code


def record_page(page: Page, live_server, enrolment: Enrolment) -> None:
    page.goto(f"{live_server.url}/staff/patients/{enrolment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(enrolment.label)


def timeline_items(page: Page):
    return page.locator("h2:text-is('Timeline') + ol > li")


def pdf_text(page: Page, enrolment: Enrolment) -> str:
    # Longer than a page: the first PDF a server process makes also imports WeasyPrint and loads
    # its fonts (about a second here, more when the machine is busy).
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as download_info:
        page.get_by_role("link", name="Download PDF summary").click(timeout=PDF_TIMEOUT_MS)
    download = download_info.value
    assert download.suggested_filename == f"consent-record-{enrolment.pk}.pdf"
    path = download.path()
    assert Path(path).read_bytes().startswith(b"%PDF-")
    return norm(" ".join(p.extract_text() for p in PdfReader(path).pages))


# The patient's side -----------------------------------------------------------------------------


def primary_button(page: Page):
    """The page's own big button: "Start the first lesson", "Next", "Next question"..."""
    return page.locator("main a.btn-primary")


def step_url(slug: str, number: int) -> re.Pattern:
    return re.compile(rf"/consent/pathway/lessons/{slug}/{number}/$")


def patient_reads_the_lessons(page: Page, content: dict, on_page, *, english: bool) -> None:
    """Every lesson, one required section (step) at a time, with Next."""
    lessons = content["lessons"]
    snapshot(page, HOME_URL, on_page)
    expect(page.get_by_role("heading", level=1)).to_have_text(content["pathway"]["title"])
    size = selectors.core_size(content)
    assert size.minutes <= 20
    expect(page.locator("#pathway-time")).to_contain_text(str(size.minutes))
    expect(page.locator("#questions-answered")).to_contain_text(f"0 {'of' if english else 'de'} {size.questions}")
    if english:
        expect(page.locator("#pathway-time")).to_have_text(
            f"About {size.minutes} minutes: {size.lessons} short lessons and {size.questions} questions."
        )
        expect(primary_button(page)).to_have_text("Start the first lesson")
    primary_button(page).click()
    for index, lesson in enumerate(lessons, start=1):
        steps = core.lesson_steps(lesson)
        for step in steps:
            snapshot(page, step_url(lesson["slug"], step.number), on_page)
            expect(page.locator("#step-title")).to_have_text(step.section["title"])
            expect(page.locator("#pathway-progress")).to_have_attribute("value", str(step.number))
            expect(page.locator("#pathway-progress")).to_have_attribute("max", str(len(steps)))
            expect(page.locator("main aside a")).to_have_count(len(step.more))
            if english:
                expect(page.locator("label[for=pathway-progress]")).to_have_text(
                    f"Lesson {index} of {len(lessons)}, part {step.number} of {len(steps)}"
                )
                if step.number < len(steps):
                    label = "Next"
                elif index < len(lessons):
                    label = f"Next lesson: {lessons[index]['title']}"
                else:
                    label = "Go to the questions"
                expect(primary_button(page)).to_have_text(label)
            primary_button(page).click()


def first_critical_slot(content: dict) -> dict:
    slot = next(s for s in teachback.slots_of(frozen.items(content)) if s.critical)
    return frozen.question(content, slot.name)


def tick(page: Page, question: dict, *, right: bool) -> None:
    """Tick every right choice (fraction > 0), or a single wrong one, by their text in the
    frozen content: the page never tells which is which."""
    right_texts = [c["text"] for c in question["choices"] if Decimal(c["fraction"]) > 0]
    wrong_texts = [c["text"] for c in question["choices"] if Decimal(c["fraction"]) <= 0]
    for text in right_texts if right else wrong_texts[:1]:
        page.get_by_label(text, exact=True).check()


# What a patient page shows, read in one round trip (the check is long: 70 pages or so).
SNAPSHOT_JS = """() => {
  const text = (selector) => { const el = document.querySelector(selector); return el ? el.innerText : null; };
  const button = document.querySelector("main a.btn-primary");
  return {
    lang: document.documentElement.lang,
    title: document.title,
    body: document.body.innerText,
    main: text("main"),
    stem: text("#question-stem"),
    progress: text("label[for=pathway-progress]"),
    hint: text("fieldset p.text-muted"),
    choices: [...document.querySelectorAll("input[name=choice]")].map((input) => input.parentElement.innerText.trim()),
    values: [...document.querySelectorAll("input[name=choice]")].map((input) => input.value),
    feedbackTitle: text("#feedback-title"),
    feedbackClass: document.querySelector("#feedback-title")?.className ?? null,
    teachBackTitle: text("#teach-back-title"),
    teachBack: text(".teach-back"),
    askAgain: text("#ask-again"),
    button: button && {text: button.innerText, href: button.getAttribute("href")},
  };
}"""


def snapshot(page: Page, url: re.Pattern, on_page) -> dict:
    page.wait_for_url(url)
    shown = page.evaluate(SNAPSHOT_JS)
    shown = {k: norm(v) if isinstance(v, str) else v for k, v in shown.items()}
    on_page(page, shown)
    return shown


def patient_takes_the_check(
    page: Page, content: dict, on_page, *, miss: dict, english: bool, shots: Path | None = None
) -> list[dict]:
    """Answer the check as it comes, everything right but `miss` the first time it is asked.

    A right answer is confirmed briefly on the next question; a wrong one gets its teach-back
    page. Returns what was asked, in order: the question, whether it was asked again (a later
    round) and whether it was answered right.
    """
    by_stem = {norm(q["stem"]): q for q in content["questions"]}
    assert len(by_stem) == len(content["questions"]), "stems must be unique to match them"
    slots = len(teachback.slots_of(frozen.items(content)))
    asked = []
    while True:
        shown = snapshot(page, CHECK_URL, on_page)
        if english and asked and asked[-1]["right"]:
            assert "That is right." in shown["main"]
        question = by_stem[shown["stem"]]
        assert not question["practice"]
        again = len(asked) >= slots
        right = question["name"] != miss["name"] or any(a["question"] is miss for a in asked)
        assert sorted(shown["choices"]) == sorted(norm(c["text"]) for c in question["choices"]), shown["choices"]
        # Each choice is sent as its place in the order shown, never as its id.
        assert shown["values"] == [str(n) for n in range(1, len(question["choices"]) + 1)]
        if english:
            expected = "Going over it again: 1 of 1" if again else f"Question {len(asked) + 1} of {slots}"
            hint = "Choose all the answers that are right." if question["kind"] == "multiple" else "Choose one answer."
            assert (shown["progress"], shown["hint"]) == (expected, hint)
        if shots and not right:
            page.screenshot(path=shots / "phone-es-check.png", full_page=True)
        tick(page, question, right=right)
        page.locator("main button[type=submit]").click()
        asked.append({"question": question, "again": again, "right": right})
        assert len(asked) <= 3 * slots, "the check does not end"
        page.wait_for_url(AFTER_ANSWER_URL)
        if right:
            # No page of its own: on to the next question, or the ending.
            assert not FEEDBACK_URL.search(page.url), page.url
            if DONE_URL.search(page.url):
                break
            continue

        shown = snapshot(page, FEEDBACK_URL, on_page)
        assert norm(question["stem"]) in shown["main"]
        if question["explanation_html"]:
            assert plain(question["explanation_html"]) in shown["main"], shown["main"]
        # The teach-back: the explanation (above) and the lesson section the question comes from.
        section = frozen.section(content, question["section"])
        assert "text-success" not in shown["feedbackClass"].split()
        assert section["title"] in shown["teachBackTitle"]
        assert plain(section["body_html"]) in shown["teachBack"]
        assert shown["askAgain"]
        if english:
            assert shown["feedbackTitle"] == "Not quite. Let us look at this again."
            assert shown["teachBackTitle"] == f"From the lesson: {section['title']}"
            assert shown["askAgain"] == "We will ask about this again a little later."
            assert shown["button"]["text"] == "Next question"
        expect(page.locator(".teach-back")).to_be_visible()
        if shots:
            page.screenshot(path=shots / "phone-es-teach-back.png", full_page=True)
        assert shown["button"]["href"] == "/consent/pathway/check/", shown["button"]
        primary_button(page).click()
    snapshot(page, DONE_URL, on_page)
    return asked


def assert_missed_then_learned(asked: list[dict], miss: dict, slots: int) -> dict:
    """One critical point missed in round 1, asked again (same point) after every other point."""
    first_round = asked[:slots]
    assert [a["question"]["name"] for a in asked if not a["right"]] == [miss["name"]]
    assert miss in [a["question"] for a in first_round]
    assert len(asked) == slots + 1, [a["question"]["name"] for a in asked]
    again = asked[-1]
    assert again["again"] and again["right"]
    assert again["question"]["point"] == miss["point"]
    return again["question"]


def assert_record_in_db(enrolment: Enrolment, content: dict, miss: dict, again: dict, language: str) -> ConsentRecord:
    record = ConsentRecord.objects.get(enrolment=enrolment)
    slots = len(teachback.slots_of(frozen.items(content)))
    assert record.language == language
    assert (record.status, record.score, record.rounds_used) == (ConsentRecord.Status.MASTERY, Decimal(100), 2)
    assert record.discussion_points == []
    assert record.completed_at is not None
    assert record.content_hash == frozen.content_digest(record.content)
    events = list(record.events.all())
    viewed = [e.lesson for e in events if e.kind == RecordEvent.Kind.LESSON_VIEWED]
    assert viewed == [lesson["slug"] for lesson in content["lessons"]]
    answers = [e for e in events if e.kind == RecordEvent.Kind.ANSWER]
    assert len(answers) == slots + 1
    tries = [(e.question, e.round, e.correct) for e in answers if e.slot == miss["name"]]
    assert tries == [(miss["name"], 1, False), (again["name"], 2, True)]
    return record


# The tests --------------------------------------------------------------------------------------


def test_clinician_enrols_patient_learns_with_teach_back_and_clinician_signs_off(
    kyphoplasty, clinician, live_server, staff_page, new_context
):
    page = staff_page
    label = "KP-Tue-07"
    clinician_logs_in(page, live_server, clinician)
    link, _code = clinician_enrols(page, live_server, kyphoplasty, label=label, language="en")
    enrolment = Enrolment.objects.get(label=label)
    assert (enrolment.language, enrolment.pathway, enrolment.created_by) == ("en", kyphoplasty, clinician)

    # The patient, in a browser of their own whose own language is Spanish: the enrolment decides.
    patient = patient_context(new_context, locale="es-ES").new_page()
    patient.goto(link)

    def on_page(p: Page, shown: dict) -> None:
        assert shown["lang"] == "en", p.url

    record = ConsentRecord.objects.get(enrolment=enrolment)
    content = record.content
    assert (len(content["lessons"]), len(content["questions"])) == (3, 44)
    patient_reads_the_lessons(patient, content, on_page, english=True)
    miss = first_critical_slot(content)
    asked = patient_takes_the_check(patient, content, on_page, miss=miss, english=True)
    slots = len(teachback.slots_of(frozen.items(content)))
    again = assert_missed_then_learned(asked, miss, slots)
    expect(patient.locator("#done-title")).to_have_text("You have finished")
    expect(patient.locator("#pathway-done .alert-success")).to_have_text("Well done. You answered every question.")
    expect(patient.locator("#pathway-done")).to_contain_text("Your clinic will see your answers before your visit.")
    expect(patient.locator("#close-now")).to_have_text("You can close this page now.")
    expect(patient.locator("#discussion-points")).to_have_count(0)
    expect(patient.get_by_role("button", name="Stop for now")).to_have_count(0)
    patient.get_by_role("link", name="Read the lessons again").click()
    expect(patient.locator("main .badge", has_text="Done")).to_have_count(len(content["lessons"]) + 1)
    expect(patient.get_by_role("button", name="Stop for now")).to_have_count(0)
    record = assert_record_in_db(enrolment, content, miss, again, "en")

    # The clinician's record page: status, timeline, questions.
    record_page(page, live_server, enrolment)
    expect(page.locator("h1 .badge")).to_have_text("Mastery reached")
    expect(page.locator("code", has_text=record.content_hash)).to_be_visible()
    expect(page.get_by_text("None: every point was answered right in the end.")).to_be_visible()
    items = timeline_items(page)
    expect(items).to_have_count(len(content["lessons"]) + slots + 1)
    for n, lesson in enumerate(content["lessons"]):
        expect(items.nth(n)).to_contain_text(f"Read lesson “{lesson['title']}”")
    missed_item = items.filter(has_text=f"Round 1: {norm(miss['stem'])}")
    expect(missed_item).to_have_count(1)
    expect(missed_item).to_contain_text("— wrong")
    again_item = items.last
    expect(again_item).to_contain_text(f"Round 2: {norm(again['stem'])}")
    expect(again_item).to_contain_text("— right")
    row = page.locator("tbody tr", has_text=norm(miss["stem"]))
    expect(row.locator("td")).to_have_text([re.compile(r"Critical$"), "2", "Right"])
    assert AuditLogEntry.objects.filter(user=clinician, enrolment=enrolment, action=AuditLogEntry.Action.VIEW).exists()

    # Sign-off: who and when.
    page.get_by_label("Note (optional)").fill("Went over healing time without a procedure.")
    page.get_by_role("button", name="Reviewed with the patient").click()
    expect(page.get_by_role("status").filter(has_text="Signed off: reviewed with the patient.")).to_be_visible()
    expect(page.get_by_text(f"Reviewed with the patient by {clinician.get_username()} on")).to_be_visible()
    expect(page.get_by_text("Went over healing time without a procedure.")).to_be_visible()
    expect(page.get_by_role("button", name="Reviewed with the patient")).to_have_count(0)
    signoff = SignOff.objects.get(record=record)
    assert (signoff.by, signoff.note) == (clinician, "Went over healing time without a procedure.")

    # The PDF to file with the consent form.
    text = pdf_text(page, enrolment)
    for expected in [
        "Consent education record",
        f"Patient label {label}",
        f"Pathway {kyphoplasty.title}",
        "Language English",
        "Status Mastery reached",
        "Score 100% (pass mark 80%)",
        "Rounds used 2 of 3",
        "Content version (SHA-256)",
        record.content_hash,
        *(lesson["title"] for lesson in content["lessons"]),
        "None: every point was answered right in the end.",
        f"Reviewed with the patient by {clinician.get_username()} on",
        "Note: Went over healing time without a procedure.",
    ]:
        assert expected in text, f"{expected!r} not in the PDF text: {text[:3000]}"
    assert "Not yet signed off" not in text
    assert AuditLogEntry.objects.filter(user=clinician, enrolment=enrolment, action=AuditLogEntry.Action.PDF).exists()


def test_spanish_patient_sees_spanish_on_every_page(
    kyphoplasty, clinician, live_server, staff_page, new_context, pytestconfig
):
    page = staff_page
    phrases = english_ui_phrases()
    assert phrases_cover(phrases, MUST_BE_AMONG_THEM)
    patterns = [(phrase, re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")) for phrase in phrases]
    seen_pages = []

    def on_page(p: Page, shown: dict) -> None:
        assert shown["lang"] == "es", p.url
        visible = f"{shown['title']} {shown['body']}"
        english = [phrase for phrase, pattern in patterns if pattern.search(visible)]
        assert not english, f"English on the Spanish patient page {p.url}: {english}\n{visible[:1500]}"
        seen_pages.append(p.url)

    label = "KP-Jue-03"
    clinician_logs_in(page, live_server, clinician)
    link, _code = clinician_enrols(page, live_server, kyphoplasty, label=label, language="es")
    enrolment = Enrolment.objects.get(label=label)
    assert enrolment.language == "es"

    # A phone whose browser asks for English: the enrolment's Spanish wins.
    patient = patient_context(new_context, locale="en-US", **PHONE).new_page()
    patient.goto(link)
    record = ConsentRecord.objects.get(enrolment=enrolment)
    content = record.content
    assert content["language"] == "es"
    shots = Path(pytestconfig.getoption("--output")).absolute()
    shots.mkdir(parents=True, exist_ok=True)

    patient_reads_the_lessons(patient, content, on_page, english=False)
    miss = first_critical_slot(content)
    asked = patient_takes_the_check(patient, content, on_page, miss=miss, english=False, shots=shots)
    slots = len(teachback.slots_of(frozen.items(content)))
    again = assert_missed_then_learned(asked, miss, slots)
    expect(patient.locator("#pathway-done .alert-success")).to_be_visible()
    steps = sum(len(core.lesson_steps(lesson)) for lesson in content["lessons"])
    wrong = sum(1 for a in asked if not a["right"])
    assert len(seen_pages) == 1 + steps + len(asked) + wrong + 1
    record = assert_record_in_db(enrolment, content, miss, again, "es")

    # The clinician sees the Spanish texts the patient saw, and files them in the PDF, which is
    # in the patient's language.
    record_page(page, live_server, enrolment)
    expect(page.locator("h1 .badge")).to_have_text("Mastery reached")
    expect(timeline_items(page).first).to_contain_text(f"Read lesson “{content['lessons'][0]['title']}”")
    text = pdf_text(page, enrolment)
    for expected in [
        "Registro de la educación para el consentimiento",
        "Idioma Español",
        "Estado Dominio alcanzado",
        record.content_hash,
        *(lesson["title"] for lesson in content["lessons"]),
    ]:
        assert expected in text, f"{expected!r} not in the PDF text: {text[:3000]}"


def phrases_cover(phrases: list[str], wanted: set[str]) -> bool:
    missing = {phrase_core(w) for w in wanted} - set(phrases)
    assert not missing, f"not found in the patient templates any more: {sorted(missing)}"
    return True


# Resume and Listen ------------------------------------------------------------------------------


def enrolled_link(live_server, pathway: Pathway, *, language: str) -> tuple[str, Enrolment]:
    issued = services.enrolment_create(label=f"KP-{language}", pathway=pathway, language=language)
    return f"{live_server.url}/consent/{issued.token}/", issued.enrolment


@pytest.mark.parametrize("language", ["en", "es"])
def test_patient_stops_mid_lesson_and_comes_back_to_the_same_step(kyphoplasty, live_server, new_context, language):
    link, enrolment = enrolled_link(live_server, kyphoplasty, language=language)
    page = patient_context(new_context, **PHONE).new_page()
    page.goto(link)
    page.wait_for_url(HOME_URL)
    content = ConsentRecord.objects.get(enrolment=enrolment).content
    first, second = content["lessons"][0], content["lessons"][1]
    primary_button(page).click()
    for _step in core.lesson_steps(first):
        primary_button(page).click()
    page.wait_for_url(step_url(second["slug"], 1))
    primary_button(page).click()  # Next: step 2 of the second lesson
    page.wait_for_url(step_url(second["slug"], 2))
    title = core.lesson_steps(second)[1].section["title"]
    expect(page.locator("#step-title")).to_have_text(title)
    page.locator("nav form button[type=submit]").click()  # "Stop for now"
    page.wait_for_url(re.compile(r"/consent/leave/$"))

    # Later, the same link: straight back to that step, not to the start of the lesson.
    page.goto(link)
    page.wait_for_url(step_url(second["slug"], 2))
    expect(page.locator("#step-title")).to_have_text(title)
    events = RecordEvent.objects.filter(record__enrolment=enrolment, kind=RecordEvent.Kind.LESSON_VIEWED)
    assert [e.lesson for e in events] == [first["slug"]]  # the second lesson is not done yet
    page.goto(f"{live_server.url}/consent/pathway/")
    total = len(core.lesson_steps(second))
    part = f"Part 2 of {total}" if language == "en" else f"Parte 2 de {total}"
    expect(page.locator("#pathway-lessons li").nth(1)).to_contain_text(part)


SPEECH_STUB = """
(voices) => {
  window.__spoken = [];
  const synth = {
    getVoices: () => voices.map((lang) => ({lang, name: "Stub " + lang, default: false})),
    speak: (u) => { window.__spoken.push({text: u.text, lang: u.lang}); },
    cancel: () => {},
    addEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
}
"""


@pytest.mark.parametrize("language", ["en", "es"])
def test_listen_reads_the_step_and_the_question_aloud_in_the_page_language(
    kyphoplasty, live_server, new_context, language
):
    link, enrolment = enrolled_link(live_server, kyphoplasty, language=language)
    context = patient_context(new_context)
    context.add_init_script(script=f"({SPEECH_STUB})(['en-US', 'es-ES'])")
    page = context.new_page()
    page.goto(link)
    page.wait_for_url(HOME_URL)
    record = ConsentRecord.objects.get(enrolment=enrolment)
    lesson = record.content["lessons"][0]
    primary_button(page).click()
    page.wait_for_url(step_url(lesson["slug"], 1))

    listen = page.locator("[data-listen]")
    expect(listen).to_be_visible()
    listen.click()
    spoken = page.evaluate("window.__spoken")
    section = core.lesson_steps(lesson)[0].section
    assert len(spoken) == 1
    assert spoken[0]["lang"].startswith(language)
    assert section["title"] in spoken[0]["text"]
    assert plain(section["body_html"])[:60] in norm(spoken[0]["text"])

    for item in record.content["lessons"]:
        services.record_lesson_viewed(record=record, lesson_slug=item["slug"])
    page.goto(f"{live_server.url}/consent/pathway/check/")
    question = frozen.question(record.content, teachback.slots_of(frozen.items(record.content))[0].name)
    page.locator("[data-listen]").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1]["lang"].startswith(language)
    assert norm(question["stem"]) in norm(spoken[-1]["text"])
    assert all(norm(c["text"]) in norm(spoken[-1]["text"]) for c in question["choices"])


def test_listen_is_hidden_when_the_browser_has_no_voice_for_the_page_language(kyphoplasty, live_server, new_context):
    link, _enrolment = enrolled_link(live_server, kyphoplasty, language="es")
    context = patient_context(new_context)
    context.add_init_script(script=f"({SPEECH_STUB})(['en-US'])")
    page = context.new_page()
    page.goto(link)
    page.wait_for_url(HOME_URL)
    primary_button(page).click()
    page.wait_for_url(re.compile(r"/lessons/.+/1/$"))

    expect(page.locator("[data-listen]")).to_be_hidden()
