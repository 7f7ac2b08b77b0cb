"""Data tables on a phone (390 px): each row becomes a card, every cell on screen with its
column's name beside it; on a desktop (1280 px) they stay tables. Every page with a data table,
for the role that sees it."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes import roles
from quizzes.learning import services as learning
from quizzes.selftest import services as selftest
from tests.analysis.helpers import attempt, quiz_with, right, wrong
from tests.browser.test_small_screens import PHONE, assert_no_horizontal_scroll
from tests.consent.factories import answer_check, build_pathway, enrol, started_record
from tests.factories import UserFactory
from tests.selftest.helpers import answer, first_item, make_bank, new_test, wrong_id

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
LONG_LABEL = "Patient with a long label, bed 12, ward Pneumology-Cardiology"

# Every table cell (and what is in it) must lie within the window; a cell of a stacked table
# must carry its column's name, shown before the value. Returns what is wrong.
CHECK_JS = """(width) => {
  const problems = [];
  const tables = [...document.querySelectorAll("main table")];
  for (const table of tables) {
    const stacked = table.classList.contains("table-stack");
    for (const cell of table.querySelectorAll("tbody td, tbody th")) {
      for (const el of [cell, ...cell.querySelectorAll("*")]) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < -0.5 || r.right > width + 0.5) {
          problems.push(`${table.id || table.className}: "${el.textContent.trim().slice(0, 30)}" spans ${r.left}-${r.right}`);
        }
      }
      if (!stacked) continue;
      const label = cell.dataset.label;
      const before = getComputedStyle(cell, "::before");
      if (!label) problems.push(`${table.id || table.className}: a cell has no data-label`);
      else if (!before.content.includes(label) || before.display === "none" || before.visibility !== "visible") {
        problems.push(`${table.id || table.className}: label "${label}" is not shown (${before.content})`);
      }
    }
  }
  return {tables: tables.length, problems};
}"""

LAYOUT_JS = """() => [...document.querySelectorAll("main table.table-stack")].map(t => ({
  display: getComputedStyle(t).display,
  head: t.tHead ? t.tHead.getBoundingClientRect().height : 0,
}))"""


@pytest.fixture
def pages(transactional_db, patient_quiz, learner):
    """Every page with a data table, with rows in each: {name: (user, path)}."""
    roles.roles_sync()
    # A trainee: a submitted and an open quiz attempt, a finished self-test with a wrong
    # answer (topic rows, a recent test, a question in review box 1), and a peer for percentiles.
    done = learning.attempt_get_or_start(user=learner, quiz=patient_quiz)
    learning.attempt_submit(attempt=done, answers={})
    topics, _questions = make_bank(topics=2, per_topic=3)
    for who in (learner, UserFactory(username="peer")):
        test = new_test(who, topics, count=6)
        answer(who, test, 1, [wrong_id(first_item(test))])
        selftest.selftest_finish(user=who, test_id=test.pk)
    trainee_quiz, _ = quiz_with(2, slug="open-quiz")
    learning.attempt_get_or_start(user=learner, quiz=trainee_quiz)

    # A clinician: patients, one of them through the check with a point missed.
    clinician = UserFactory(username="dr_phone", role=roles.CLINICIAN)
    pathway = build_pathway(questions=3).pathway
    record = started_record(pathway, label=LONG_LABEL)
    answer_check(record, right=lambda ask: ask.question != "consent-q1")
    enrol(pathway, label="Patient B")

    # An educator: a quiz's statistics from a few attempts, and the consent check counts.
    educator = UserFactory(username="educator_phone", role=roles.EDUCATOR)
    quiz, questions = quiz_with(3, slug="stats-quiz")
    for n in range(4):
        picks = [right(q) if (n + i) % 2 else wrong(q) for i, q in enumerate(questions)]
        attempt(UserFactory(username=f"stats-{n}"), quiz, questions, picks, minutes=n)
    return {
        "my-results": (learner, reverse("quizzes:my_results")),
        "progress": (learner, reverse("quizzes:progress")),
        "review-queue": (learner, reverse("quizzes:review_queue")),
        "patient-list": (clinician, reverse("quizzes:patient_list") + "?status="),
        "patient-detail": (clinician, record.enrolment.get_absolute_url()),
        "stats-list": (educator, reverse("quizzes:quiz_stats_list")),
        "quiz-statistics": (educator, reverse("quizzes:quiz_statistics", args=[quiz.slug])),
        "consent-check": (educator, reverse("quizzes:consent_check_stats", args=[pathway.slug])),
    }


PAGES = [
    "my-results",
    "progress",
    "review-queue",
    "patient-list",
    "patient-detail",
    "stats-list",
    "quiz-statistics",
    "consent-check",
]


@pytest.mark.parametrize("name", PAGES)
def test_on_a_phone_every_cell_is_on_screen_with_its_column_name(
    name, pages, log_in, live_server, new_context, pytestconfig
):
    user, path = pages[name]
    context = new_context(**PHONE)
    log_in(context, user)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    shots = Path(pytestconfig.getoption("--output")).absolute()  # for a look by eye
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / f"phone-table-{name}.png", full_page=True)
    result = page.evaluate(CHECK_JS, 390)
    assert result["tables"], f"{path} shows no table"
    assert result["problems"] == []
    assert_no_horizontal_scroll(page)
    for table in page.evaluate(LAYOUT_JS):
        assert table["display"] == "block"  # rows as cards, header row hidden from sight
        assert table["head"] <= 1


@pytest.mark.parametrize("name", ["my-results", "patient-list", "quiz-statistics"])
def test_on_a_desktop_tables_stay_tables(name, pages, log_in, live_server, new_context):
    user, path = pages[name]
    context = new_context(**DESKTOP)
    log_in(context, user)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    layouts = page.evaluate(LAYOUT_JS)
    assert layouts and all(t["display"] == "table" and t["head"] > 10 for t in layouts), layouts


# Each text of a chart as drawn on the screen: its font size times the SVG's scale.
CHART_TEXT_JS = """() => {
  const svg = document.documentElement;
  const scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll(".axis text, .legends text, .title")]
    .filter(t => t.textContent.trim())
    .map(t => ({text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale}));
}"""


@pytest.mark.parametrize("chart", ["chart-topic-scores", "chart-bank-coverage"])
def test_on_a_phone_chart_text_is_at_least_12_px(chart, pages, log_in, live_server, new_context):
    user, path = pages["progress"]
    context = new_context(**PHONE)
    log_in(context, user)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    image = page.locator(f"#{chart}")
    expect(image).to_be_visible()
    page.wait_for_function(f"document.getElementById('{chart}').complete")
    source, width = image.evaluate("img => [img.currentSrc, img.getBoundingClientRect().width]")
    assert source.endswith("?layout=phone")  # the phone's drawing, not the wide one scaled down
    # The SVG alone, in a window as wide as the image is on the phone: it scales the same way.
    alone = new_context(viewport={"width": round(width), "height": 800})
    log_in(alone, user)
    svg_page = alone.new_page()
    svg_page.goto(source)
    texts = svg_page.evaluate(CHART_TEXT_JS)
    assert len(texts) >= 4
    small = [t for t in texts if t["px"] < 12]
    assert small == [], f"text under 12 px at {width:.0f} px wide: {small}"
