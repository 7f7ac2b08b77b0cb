"""The consent record PDF as a screen reader meets it: tagged (PDF/UA-1), in the patient's
language (labels, /Lang, title), its text read in the order of the HTML, and built from local
files only.

`tagged_text` reads the text the way assistive technology does: by walking the structure tree
and joining the text of each marked-content id it points to, so page furniture (the footer) is
left out and the order is the tags' order, not the drawing order.
"""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NumberObject

from quizzes import roles
from quizzes.consent import selectors, services
from quizzes.consent.pdf import STATIC_BASE, LocalStaticFetcher, record_pdf
from tests.consent.factories import answer_check, build_pathway, enrol, view_lessons
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MISSED = "consent-q1"  # answered wrong every round: left as a discussion point


@pytest.fixture
def clinician():
    return UserFactory(username="dr-ruiz", role=roles.CLINICIAN)


def signed_off_record(clinician, *, language: str, questions: int = 3):
    """A completed record, one point missed every round, its lessons read, signed off with a note."""
    built = build_pathway(questions=questions)
    record = services.record_get_or_start(enrolment=enrol(built.pathway, label="KP-07", language=language).enrolment)
    view_lessons(record)
    record = answer_check(record, right=lambda ask: ask.slot != MISSED)
    services.record_sign_off(record=record, by=clinician, note="Went over the risks.")
    return record


def pdf_of(record) -> bytes:
    return record_pdf(selectors.enrolment_get_for_staff(pk=record.enrolment_id))


def tagged_text(data: bytes) -> str:
    """The text of every tagged element, in the structure tree's order, whitespace squeezed."""
    reader = PdfReader(io.BytesIO(data))
    pages = {page.indirect_reference.idnum: page for page in reader.pages}
    by_page: dict[int, dict[int, str]] = {}

    def marked_texts(page_id: int) -> dict[int, str]:
        if page_id not in by_page:
            found: dict[int, str] = {}
            open_ids: list[int | None] = []

            def before(operator, operands, cm, tm):
                if operator == b"BDC":
                    props = operands[1] if len(operands) > 1 else None
                    open_ids.append(props.get("/MCID") if isinstance(props, DictionaryObject) else None)
                elif operator == b"BMC":
                    open_ids.append(None)
                elif operator == b"EMC" and open_ids:
                    open_ids.pop()

            def text(value, cm, tm, font, size):
                mcid = next((m for m in reversed(open_ids) if m is not None), None)
                if mcid is not None:
                    found[mcid] = found.get(mcid, "") + value

            pages[page_id].extract_text(visitor_operand_before=before, visitor_text=text)
            by_page[page_id] = found
        return by_page[page_id]

    out: list[str] = []

    def walk(node, page_id):
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, page_id)
        elif isinstance(node, NumberObject):
            out.append(marked_texts(page_id).get(int(node), ""))
        elif isinstance(node, DictionaryObject):
            if "/Pg" in node:
                page_id = node.raw_get("/Pg").idnum
            if node.get("/Type") == "/MCR":
                out.append(marked_texts(page_id).get(int(node["/MCID"]), ""))
            elif "/K" in node:
                walk(node["/K"], page_id)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], None)
    return " ".join(" ".join(out).split())


def drawn_text(data: bytes) -> str:
    """The text as pypdf extracts it from the pages (drawing order), whitespace squeezed."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def assert_in_order(text: str, items: list[str]) -> None:
    at = 0
    for item in items:
        found = text.find(item, at)
        assert found >= 0, f"{item!r} missing after position {at}: …{text[at : at + 400]}"
        at = found + len(item)


# Tagged, with a language and a title --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Consent education record: KP-07"), ("es", "Registro de la educación para el consentimiento: KP-07")],
)
def test_pdf_is_tagged_in_the_patients_language_with_a_title_shown(clinician, language, title):
    reader = PdfReader(io.BytesIO(pdf_of(signed_off_record(clinician, language=language))))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == language
    assert reader.metadata.title == title
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_pdf_language_is_the_patients_not_the_clinicians_browser(client, clinician):
    record = signed_off_record(clinician, language="en")
    client.force_login(clinician)
    response = client.get(reverse("quizzes:patient_pdf", args=[record.enrolment_id]), HTTP_ACCEPT_LANGUAGE="es")
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "en"
    text = tagged_text(response.content)
    assert "Discussion points" in text
    assert "Temas para conversar" not in text


# Read in order --------------------------------------------------------------------------------


def english_order(record) -> list[str]:
    return [
        "Consent education record",
        "does not replace, the consent conversation",
        "Patient label KP-07",
        "Pathway Getting ready for kyphoplasty",
        "Language English",
        "Status Needs discussion",
        "Score",
        "Rounds used 3 of 3",
        "Content version (SHA-256)",
        record.content_hash,
        "Lessons read to the end",
        "Lesson 1 about your spine",
        "Lesson 2 about your spine",
        "Comprehension check",
        "Question Tries Last answer",
        "STEM-consent-q0: what is true? Critical 1 Right",
        "STEM-consent-q1: what is true? 3 Wrong",
        "Discussion points",
        "STEM-consent-q1: what is true?",
        "Sign-off",
        "Reviewed with the patient by dr-ruiz on",
        "Note: Went over the risks.",
        "Signatures",
        "Clinician's signature Date",
        "Patient's signature Date",
    ]


def spanish_order(record) -> list[str]:
    return [
        "Registro de la educación para el consentimiento",
        "pero no la reemplaza",
        "Etiqueta del paciente KP-07",
        "Recorrido Preparación para la cifoplastia En inglés: Getting ready for kyphoplasty",
        "Idioma Español",
        "Estado",
        "Puntaje",
        "Rondas usadas 3 de 3",
        "Versión del contenido (SHA-256)",
        record.content_hash,
        "Lecciones leídas hasta el final",
        "Lección 1 sobre su columna En inglés: Lesson 1 about your spine",
        "Prueba de comprensión",
        "Pregunta Intentos Última respuesta",
        "PREGUNTA-consent-q0: ¿qué es cierto? En inglés: STEM-consent-q0: what is true? Crítica 1 Correcta",
        "PREGUNTA-consent-q1: ¿qué es cierto? En inglés: STEM-consent-q1: what is true? 3 Incorrecta",
        "Temas para conversar",
        "PREGUNTA-consent-q1: ¿qué es cierto? En inglés: STEM-consent-q1: what is true?",
        "Firma",
        "Revisado con el paciente por dr-ruiz el",
        "Nota: Went over the risks.",
        "Firmas",
        "Firma del profesional de salud Fecha",
        "Firma del paciente Fecha",
    ]


@pytest.mark.parametrize(("language", "order"), [("en", english_order), ("es", spanish_order)])
def test_pdf_reads_heading_facts_answers_discussion_then_sign_off(clinician, language, order):
    record = signed_off_record(clinician, language=language)
    data = pdf_of(record)
    assert_in_order(tagged_text(data), order(record))  # what a screen reader follows
    assert_in_order(drawn_text(data), order(record))  # what a copy or a text search gets


def test_spanish_pdf_keeps_no_english_label(clinician):
    text = tagged_text(pdf_of(signed_off_record(clinician, language="es")))
    for label in ["Discussion points", "Sign-off", "Comprehension check", "Signatures", "Patient label", "Tries"]:
        assert label not in text


def test_pdf_of_a_record_not_started_says_so_in_spanish(clinician):
    enrolment = enrol(build_pathway().pathway, label="KP-08", language="es").enrolment
    text = tagged_text(record_pdf(selectors.enrolment_get_for_staff(pk=enrolment.pk)))
    assert_in_order(text, ["Estado Sin empezar", "Sin empezar: el paciente", "Firma", "Todavía sin firmar."])


# Page furniture --------------------------------------------------------------------------------


def test_footer_repeats_the_note_and_numbers_pages_outside_the_tags(clinician):
    data = pdf_of(signed_off_record(clinician, language="es", questions=12))  # long enough for 2+ pages
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages[1:], start=2):
        assert " ".join(page.extract_text().split()).endswith(f"pero no la reemplaza. {number} / {len(pages)}")
    tagged = tagged_text(data)
    assert tagged.count("pero no la reemplaza") == 1  # under the title only
    assert f"1 / {len(pages)}" not in tagged


def test_stylesheet_is_applied_hiding_what_the_record_page_hides(clinician):
    text = drawn_text(pdf_of(signed_off_record(clinician, language="en")))
    assert "Each point of the check" not in text  # the table's visually hidden caption
    assert "Sign-off" in text


# Nothing fetched but local static files -------------------------------------------------------


def test_fetcher_serves_the_print_stylesheet_from_disk():
    response = LocalStaticFetcher().fetch(STATIC_BASE + "css/record_pdf.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://127.0.0.1:9/css/record_pdf.css",
        "file:///etc/passwd",
        STATIC_BASE + "../../etc/passwd",
        STATIC_BASE + "css/no-such-file.css",
    ],
)
def test_fetcher_refuses_anything_but_a_local_static_file(url):
    with pytest.raises(ValueError):
        LocalStaticFetcher().fetch(url)
