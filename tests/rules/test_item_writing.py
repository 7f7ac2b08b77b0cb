"""The item_writing package is pure: these tests need no database.

The corpus below was written for these tests. Each flawed question shows one flaw and must be
found by its rule and by no other; each clean question must pass with nothing found.
"""

import ast
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.rules import item_writing
from quizzes.rules.item_writing import RULES, Finding, Item, ItemChoice, Kind, Severity, check


def single(stem: str, key: str, *distractors: str, language: str = "en", allow=()) -> Item:
    choices = (ItemChoice(key, Decimal(1)), *(ItemChoice(d, Decimal(0)) for d in distractors))
    return Item(name="q", kind="single", stem=stem, choices=choices, language=language, allow=frozenset(allow))


def multiple(stem: str, right: list[str], wrong: list[str], language: str = "en") -> Item:
    share = Decimal(1) / len(right)
    choices = (*(ItemChoice(r, share) for r in right), *(ItemChoice(w, Decimal("-0.5")) for w in wrong))
    return Item(name="q", kind="multiple", stem=stem, choices=choices, language=language)


def truefalse(statement: str, answer: bool, language: str = "en") -> Item:
    texts = ("Verdadero", "Falso") if language == "es" else ("True", "False")
    choices = (ItemChoice(texts[0], 1 if answer else 0), ItemChoice(texts[1], 0 if answer else 1))
    return Item(name="q", kind="truefalse", stem=statement, choices=choices, language=language)


def rules_found(item: Item) -> set[str]:
    return {f.rule for f in check(item)}


ES = "es"

FLAWED = [
    pytest.param(
        "all-of-the-above",
        single("Which medicine is a bisphosphonate?", "All of the above", "Alendronate", "Risedronate", "Ibandronate"),
        id="all-of-the-above-en",
    ),
    pytest.param(
        "all-of-the-above",
        single(
            "¿Qué medicina es un bisfosfonato?",
            "Todas las anteriores",
            "Alendronato",
            "Risedronato",
            "Ibandronato",
            language=ES,
        ),
        id="all-of-the-above-es",
    ),
    pytest.param(
        "none-of-the-above",
        single(
            "Which vitamin helps the gut absorb calcium?",
            "Vitamin D",
            "Vitamin A",
            "Vitamin C",
            "Vitamin K",
            "None of the above",
        ),
        id="none-of-the-above-en",
    ),
    pytest.param(
        "none-of-the-above",
        single(
            "¿Qué vitamina ayuda a absorber el calcio?",
            "Vitamina D",
            "Vitamina A",
            "Vitamina C",
            "Vitamina K",
            "Ninguna de las anteriores",
            language=ES,
        ),
        id="none-of-the-above-es",
    ),
    pytest.param(
        "combined-choice",
        single(
            "Which MRI finding marks a recent vertebral fracture?",
            "Both A and B",
            "Marrow oedema on STIR",
            "Low marrow signal on T1",
            "A normal disc",
        ),
        id="combined-choice-en",
    ),
    pytest.param(
        "combined-choice",
        single(
            "¿Qué hallazgo de la resonancia marca una fractura reciente?",
            "Ambas",
            "Edema de la médula en STIR",
            "Señal baja en T1",
            "Un disco normal",
            language=ES,
        ),
        id="combined-choice-es",
    ),
    pytest.param(
        "duplicate-choices",
        single(
            "How long does the pain of a new spine fracture usually take to settle?",
            "About 6 to 12 weeks",
            "One or two days",
            "About 5 years",
            "About 2 years",
            "one or two days!",
        ),
        id="duplicate-choices",
    ),
    pytest.param(
        "overlapping-choices",
        single(
            "Which site does FRAX take its bone density from?",
            "Femoral neck",
            "Lumbar spine",
            "Lumbar spine and hip",
            "Wrist",
        ),
        id="overlapping-choices",
    ),
    pytest.param(
        "overlapping-ranges",
        single(
            "How much calcium a day does the IOM advise for women over 50?",
            "1,200 mg",
            "600-800 mg",
            "800-1,000 mg",
            "2,000 mg",
        ),
        id="overlapping-ranges-en",
    ),
    pytest.param(
        "overlapping-ranges",
        single(
            "¿Cuántas mujeres, más o menos, tienen otra fractura en menos de un año?",
            "Unas 20 de cada 100",
            "Entre 1 y 10 de cada 100",
            "Entre 10 y 15 de cada 100",
            "Unas 80 de cada 100",
            language=ES,
        ),
        id="overlapping-ranges-es",
    ),
    pytest.param(
        "longest-correct",
        single(
            "What does FRAX estimate?",
            "The 10-year probability of a hip fracture and of a major osteoporotic fracture",
            "Bone density",
            "The T-score",
            "Fall risk",
        ),
        id="longest-correct",
    ),
    pytest.param(
        "absolute-terms",
        single(
            "How often does cement leak out of the bone in kyphoplasty?",
            "In about 18 in 100 treated bones",
            "Never",
            "Always",
            "In every treated bone",
        ),
        id="absolute-terms-en",
    ),
    pytest.param(
        "absolute-terms",
        single(
            "¿Qué tan seguido se sale el cemento del hueso?",
            "En unos 18 de cada 100 huesos tratados",
            "Nunca",
            "Siempre",
            "En todos los huesos tratados",
            language=ES,
        ),
        id="absolute-terms-es",
    ),
    pytest.param(
        "absolute-terms",
        truefalse("Kyphoplasty always needs general anaesthesia.", answer=False),
        id="absolute-terms-truefalse-en",
    ),
    pytest.param(
        "absolute-terms",
        truefalse("¿Verdadero o falso? La cifoplastia siempre necesita anestesia general.", answer=False, language=ES),
        id="absolute-terms-truefalse-es",
    ),
    pytest.param(
        "negative-stem",
        single(
            "A 70-year-old woman had a heart attack 6 months ago. Which bone drug should not be started now?",
            "Romosozumab",
            "Alendronate",
            "Zoledronic acid",
            "Denosumab",
        ),
        id="negative-stem-en",
    ),
    pytest.param(
        "negative-stem",
        single(
            "All of the following are inputs to FRAX except",
            "Number of falls in the past year",
            "A parent with a hip fracture",
            "Femoral-neck bone density",
            "Current smoking",
        ),
        id="negative-stem-except-en",
    ),
    pytest.param(
        "negative-stem",
        single(
            "Una mujer tuvo un infarto hace 6 meses. ¿Cuál de estas medicinas no se debe empezar ahora?",
            "Romosozumab",
            "Alendronato",
            "Ácido zoledrónico",
            "Denosumab",
            language=ES,
        ),
        id="negative-stem-es",
    ),
    pytest.param(
        "negative-stem",
        single(
            "Todas estas son preguntas de FRAX, excepto",
            "Número de caídas en el último año",
            "Un padre con fractura de cadera",
            "Densidad del cuello femoral",
            "Fumar ahora",
            language=ES,
        ),
        id="negative-stem-excepto-es",
    ),
    pytest.param(
        "article-cue",
        single(
            "The first imaging test for a suspected spine fracture is an", "X-ray", "bone scan", "MRI", "ultrasound"
        ),
        id="article-cue-en",
    ),
    pytest.param(
        "number-cue",
        single(
            "Which of these are a typical sign of a new spine fracture?",
            "Sudden back pain after a small strain",
            "A rash over the back",
            "Pain that gets better when you stand",
            "A fever with a cough",
        ),
        id="number-cue-en",
    ),
    pytest.param(
        "number-cue",
        single(
            "¿Cuáles son una señal típica de una fractura nueva de la columna?",
            "Dolor de espalda de repente",
            "Un sarpullido en la espalda",
            "Dolor que mejora al estar de pie",
            "Fiebre con tos",
            language=ES,
        ),
        id="number-cue-es",
    ),
    pytest.param(
        "clang-association",
        single(
            "Which test can find silent vertebral fractures at a DXA visit?",
            "DXA vertebral fracture assessment",
            "A CT of the whole spine",
            "A FRAX calculation",
            "A blood test for calcium",
        ),
        id="clang-association-en",
    ),
    pytest.param(
        "clang-association",
        single(
            "¿Qué prueba puede encontrar fracturas vertebrales silenciosas?",
            "Evaluación de fracturas vertebrales con DXA",
            "Una tomografía de la columna",
            "Un cálculo FRAX",
            "Un análisis de sangre",
            language=ES,
        ),
        id="clang-association-es",
    ),
    pytest.param(
        "too-few-distractors",
        single("What does a DXA scan measure?", "Bone density", "Blood calcium", "Heart rate"),
        id="too-few-distractors",
    ),
    pytest.param(
        "unfocused-stem",
        single(
            "Which of the following is true about kyphoplasty?",
            "A balloon makes a space before the cement goes in",
            "It is done through an open incision",
            "It uses metal rods",
            "It cures osteoporosis",
        ),
        id="unfocused-stem-en",
    ),
    pytest.param(
        "unfocused-stem",
        single(
            "¿Cuál de las siguientes es verdadera sobre la cifoplastia?",
            "Un globo hace un espacio antes del cemento",
            "Se hace con una herida grande",
            "Usa barras de metal",
            "Cura la osteoporosis",
            language=ES,
        ),
        id="unfocused-stem-es",
    ),
    pytest.param(
        "tick-everything",
        Item(
            name="q",
            kind="multiple",
            stem="Which of these raise the risk of a broken bone? Choose all that apply.",
            choices=(
                ItemChoice("Smoking", Decimal("0.5")),
                ItemChoice("Low vitamin D", Decimal("0.5")),
                ItemChoice("Blue eyes", Decimal(0)),
                ItemChoice("Being left-handed", Decimal(0)),
            ),
        ),
        id="tick-everything",
    ),
]

CLEAN = [
    pytest.param(
        single(
            "A 68-year-old woman has a femoral-neck T-score of -2.7 and no fractures. "
            "How is this classified under the WHO bands?",
            "Osteoporosis",
            "Normal",
            "Low bone mass",
            "Osteomalacia",
        ),
        id="vignette",
    ),
    pytest.param(
        single(
            "What happens during kyphoplasty?",
            "A small balloon makes a space in the broken bone, then cement fills it",
            "The back is opened up and metal rods are put in",
            "A medicine is injected that makes the bone grow back",
            "The broken bone is taken out and replaced",
        ),
        id="similar-lengths",
    ),
    pytest.param(
        single(
            "A 70-year-old woman had a heart attack 6 months ago. Which bone drug should NOT be started now?",
            "Romosozumab",
            "Alendronate",
            "Zoledronic acid",
            "Denosumab",
        ),
        id="negative-in-capitals",
    ),
    pytest.param(
        single(
            "Which bone drug should **not** be started within a year of a heart attack?",
            "Romosozumab",
            "Alendronate",
            "Zoledronic acid",
            "Denosumab",
        ),
        id="negative-in-bold",
    ),
    pytest.param(
        single(
            "If you do not have a procedure, how long does the pain usually take to settle?",
            "About 6 to 12 weeks",
            "One or two days",
            "About 5 years",
            "About 2 years",
        ),
        id="negation-before-the-question",
    ),
    pytest.param(
        single(
            "EVOLVE reported pain falling by 5 points after kyphoplasty. "
            "What is the main reason this does not show how much the procedure itself helped?",
            "It had no control group",
            "It was too small",
            "It followed patients for 1 week",
            "It used a sham procedure",
        ),
        id="negation-in-a-clause",
    ),
    pytest.param(
        single(
            "A woman on an anticoagulant asks whether to stop it before kyphoplasty. What is the correct advice?",
            "Pause it as the procedure team directs",
            "Stop it a week before on her own",
            "Keep taking it and do not mention it",
            "Take a double dose the day before",
        ),
        id="correct-advice-is-focused",
    ),
    pytest.param(
        single(
            "About how many adults aged 65 and over fall each year?",
            "About 1 in 4",
            "About 1 in 50",
            "About 1 in 10",
            "About 3 in 4",
        ),
        id="exclusive-rates",
    ),
    pytest.param(
        single(
            "Which reading shows which fracture is the source of the pain?",
            "Oedema on STIR MRI at the tender level",
            "A wedge on X-ray at any level",
            "The lowest T-score on DXA",
            "A raised blood calcium",
        ),
        id="second-which",
    ),
    pytest.param(
        single(
            "The first imaging test for a suspected spine fracture is an",
            "X-ray",
            "MRI",
            "ultrasound scan",
            "hour-long CT",
        ),
        id="article-fits",
    ),
    pytest.param(
        multiple(
            "Which sites are measured by DXA to diagnose osteoporosis? Select all that apply.",
            ["Femoral neck", "Total hip", "Lumbar spine"],
            ["Tibia", "Skull"],
        ),
        id="multiple",
    ),
    pytest.param(truefalse("Pain may persist after a technically successful kyphoplasty.", answer=True), id="tf"),
    pytest.param(truefalse("Kyphoplasty is always guided by live X-ray.", answer=True), id="tf-true-absolute"),
    pytest.param(
        single(
            "¿Qué revisa una prueba DXA?",
            "Qué tan densos son sus huesos",
            "Cuánto calcio hay en su sangre",
            "Si un nervio de su espalda está apretado",
            "Qué tan bien funciona su corazón",
            language=ES,
        ),
        id="es",
    ),
    pytest.param(
        single(
            "Una mujer tuvo un infarto hace 6 meses. ¿Cuál de estas medicinas NO se debe empezar ahora?",
            "Romosozumab",
            "Alendronato",
            "Ácido zoledrónico",
            "Denosumab",
            language=ES,
        ),
        id="es-negative-in-capitals",
    ),
    pytest.param(
        single(
            "Si usted no se hace un procedimiento, ¿cuánto tarda por lo general en calmarse el dolor?",
            "Unas 6 a 12 semanas",
            "Uno o dos días",
            "Unos 5 años",
            "Unos 2 años",
            language=ES,
        ),
        id="es-negation-before-the-question",
    ),
    pytest.param(
        single(
            "¿Qué debe hacer una persona que no puede tomar pastillas?",
            "Hablar con su médico sobre una inyección",
            "Dejar la medicina sin avisar",
            "Tomar el doble de calcio",
            "Esperar a tener otra fractura",
            language=ES,
        ),
        id="es-negation-in-a-clause",
    ),
    pytest.param(
        single(
            "Las mujeres con una fractura nueva de la columna muchas veces tienen otra. "
            "¿Cuántas, más o menos, tienen otra en un año?",
            "Unas 20 de cada 100",
            "Casi ninguna",
            "Unas 80 de cada 100",
            "Unas 5 de cada 100",
            language=ES,
        ),
        id="es-almost-none",
    ),
    pytest.param(
        multiple(
            "¿Cuáles de estas son opciones reales para una fractura de la columna que duele? "
            "Elija todas las respuestas correctas.",
            ["Ningún procedimiento, con cuidado mientras el hueso sana", "Vertebroplastia", "Cifoplastia"],
            ["Cemento en lugar de medicina para los huesos"],
            language=ES,
        ),
        id="es-multiple",
    ),
    pytest.param(
        truefalse("¿Verdadero o falso? Puedo decir que no a la cifoplastia.", answer=True, language=ES), id="es-tf"
    ),
    pytest.param(
        single(
            "Para ver si una fractura es reciente, se pide una",
            "resonancia",
            "radiografía de la mano",
            "prueba DXA",
            "análisis de sangre",
            language=ES,
        ),
        id="es-article-gender-not-checked",
    ),
]


@pytest.mark.parametrize(("rule", "item"), FLAWED)
def test_flawed_question_is_found_by_its_rule_alone(rule, item):
    assert rules_found(item) == {rule}


@pytest.mark.parametrize("item", CLEAN)
def test_clean_question_has_no_findings(item):
    assert check(item) == []


def test_every_rule_has_a_flawed_question_in_the_corpus():
    assert {p.values[0] for p in FLAWED} == set(RULES)


def test_every_rule_depending_on_language_has_a_spanish_flawed_question():
    spanish = {p.values[0] for p in FLAWED if p.values[1].language == "es"}
    language_free = {
        "duplicate-choices",
        "overlapping-choices",
        "longest-correct",
        "too-few-distractors",
        "tick-everything",  # fractions: reported once, on the English
    }
    english_only = {"article-cue"}
    assert spanish == set(RULES) - language_free - english_only


def test_tick_everything_is_quiet_when_wrong_choices_cancel_or_scoring_is_all_or_nothing():
    fractions = [Decimal("0.5"), Decimal("0.5"), Decimal(0), Decimal(0)]
    texts = ["Smoking", "Low vitamin D", "Blue eyes", "Being left-handed"]
    stem = "Which of these raise the risk of a broken bone? Choose all that apply."
    partial = Item("q", "multiple", stem, tuple(ItemChoice(t, f) for t, f in zip(texts, fractions, strict=True)))
    assert "tick-everything" in rules_found(partial)
    assert "tick-everything" not in rules_found(Item(**{**partial.__dict__, "scoring": "all_or_nothing"}))
    assert "tick-everything" not in rules_found(multiple(stem, texts[:2], texts[2:]))  # wrong at -50 % cancel
    assert "tick-everything" not in rules_found(Item(**{**partial.__dict__, "language": "es"}))


def test_finding_carries_the_rules_severity_and_hint():
    item = single(
        "Which medicine is a bisphosphonate?", "All of the above", "Alendronate", "Risedronate", "Ibandronate"
    )
    (finding,) = check(item)
    assert finding == Finding(
        rule="all-of-the-above",
        severity=Severity.ERROR,
        message='Choice "All of the above" refers to all the other choices.',
        hint=RULES["all-of-the-above"].hint,
    )


# --- allow and strict ------------------------------------------------------------------------

LONG_KEY = (
    "What does FRAX estimate?",
    "The 10-year probability of a hip fracture and of a major osteoporotic fracture",
    "Bone density",
    "The T-score",
    "Fall risk",
)


def test_allow_suppresses_the_named_rule():
    assert check(single(*LONG_KEY, allow={"longest-correct"})) == []


def test_allow_leaves_other_rules_alone():
    item = single(*LONG_KEY, "None of the above", allow={"longest-correct"})
    assert rules_found(item) == {"none-of-the-above"}


def test_longest_correct_is_a_warning():
    assert [f.severity for f in check(single(*LONG_KEY))] == [Severity.WARNING]


def test_strict_makes_warnings_errors():
    findings = check(single(*LONG_KEY), strict=True)
    assert [(f.rule, f.severity) for f in findings] == [("longest-correct", Severity.ERROR)]


def test_apply_strict_keeps_everything_but_the_severity():
    (warning,) = check(single(*LONG_KEY))
    (strict,) = item_writing.apply_strict([warning])
    assert (strict.rule, strict.message, strict.hint) == (warning.rule, warning.message, warning.hint)
    assert strict.severity == Severity.ERROR


def test_has_errors_ignores_warnings_until_strict():
    findings = check(single(*LONG_KEY))
    assert not item_writing.has_errors(findings)
    assert item_writing.has_errors(item_writing.apply_strict(findings))


def test_unknown_rules_names_mistyped_allow_entries():
    assert item_writing.unknown_rules({"longest-correct", "longest-corect"}) == {"longest-corect"}


# --- thresholds and edge cases ---------------------------------------------------------------


def test_key_just_under_the_longest_ratio_is_not_flagged():
    distractor = "d" * 40
    key = "k" * (int(40 * item_writing.LONGEST_RATIO) - 1)
    assert check(single("What is it?", key, distractor, "e" * 30, "f" * 30)) == []


def test_key_over_the_ratio_but_within_the_margin_is_not_flagged():
    # 15 vs 9 characters is 1.67x, but only 6 characters longer.
    assert check(single("What is it?", "Alendronic acid", "Ibandron", "Teripara", "Denosuma")) == []


def test_longest_correct_ignores_multiple_answer_questions():
    item = multiple("Which apply? Select all that apply.", ["A much, much longer right choice than any"], ["x", "y"])
    assert "longest-correct" not in rules_found(item)


def test_too_few_distractors_exempts_true_false():
    assert check(truefalse("Every vertebral fracture hurts.", answer=True)) == []


def test_too_few_distractors_does_not_count_none_of_the_above():
    item = single("What does a DXA scan measure?", "Bone density", "Blood calcium", "Heart rate", "None of the above")
    assert rules_found(item) == {"none-of-the-above", "too-few-distractors"}


@pytest.mark.parametrize(
    ("key", "distractor"),
    [
        ("More than 1 in 4", "About 3 in 4"),
        ("1-5 years", "5-10 years"),
        ("At least 800 IU", "1,000 IU"),
        ("About 20 in 100", "About 1 in 5"),
        ("Under 1%", "0.5%"),
    ],
)
def test_overlapping_ranges(key, distractor):
    item = single("How many?", key, distractor, "About 10,000 IU", "Over 20,000 IU")
    assert "overlapping-ranges" in rules_found(item)


@pytest.mark.parametrize(
    ("key", "distractor"),
    [("1-4 years", "5-10 years"), ("More than 1 in 4", "About 1 in 10"), ("800 IU", "800 mg")],
)
def test_ranges_that_do_not_overlap(key, distractor):
    item = single("How many?", key, distractor, "About 10,000 IU", "Over 20,000 IU")
    assert "overlapping-ranges" not in rules_found(item)


@pytest.mark.parametrize(
    ("stem_end", "choice"),
    [
        ("an", "X-ray"),
        ("an", "hour"),
        ("an", "L1 fracture"),
        ("a", "T-score"),
        ("a", "unilateral approach"),
        ("a", "one-sided approach"),
        ("a", "European device"),
        ("an", "MRI"),
        ("a", "MRI"),
        ("an", "18-gauge needle"),
    ],
)
def test_article_cue_respects_sounds_and_skips_what_it_cannot_tell(stem_end, choice):
    item = single(f"The best test here is {stem_end}", choice, "ultrasound" if stem_end == "an" else "bone scan")
    assert "article-cue" not in rules_found(item)


@pytest.mark.parametrize("choice", ["Both A and B", "A, C and D", "Both of the above", "A y B", "Las dos anteriores"])
def test_combined_choice_forms(choice):
    assert "combined-choice" in rules_found(single("Which?", choice, "One", "Two", "Three"))


def test_combined_choice_ignores_both_groups_and_vitamins():
    item = single("Which?", "About 45 in 100 in both groups", "Vitamin A and B12", "Both levels", "Ambos grupos")
    assert "combined-choice" not in rules_found(item)


@pytest.mark.parametrize(
    "stem",
    [
        "Which of these does NOT raise the risk?",
        "Which of these does *not* raise the risk?",
        "Which of these is least likely to help?",
        "Which of these doesn't raise the risk?",
        "What should the nurse not do next?",
        "Which drug, if any, should not be given?",
    ],
)
def test_negative_stem_forms(stem):
    findings = [f for f in check(single(stem, "Alpha", "Beta", "Gamma", "Delta")) if f.rule == "negative-stem"]
    emphasised = "NOT" in stem or "*not*" in stem
    assert (findings == []) == emphasised


def test_at_least_is_not_a_negative_stem():
    assert check(single("Which drug is given for at least 3 years?", "Alpha", "Beta", "Gamma", "Delta")) == []


def test_absolute_terms_in_the_key_too_are_fine():
    item = single("When is it done?", "Only under live X-ray", "Never under X-ray", "Always under MRI", "By feel")
    assert "absolute-terms" not in rules_found(item)


@pytest.mark.parametrize(
    "distractor", ["Almost all of them", "Every 6 months", "The average of all three sites", "Casi nunca"]
)
def test_softened_or_counting_words_are_not_absolute(distractor):
    item = single("Which?", "About half", distractor, "One", "Two", language="es" if "Casi" in distractor else "en")
    assert "absolute-terms" not in rules_found(item)


# --- API shape -------------------------------------------------------------------------------


def test_rule_ids_are_kebab_case_with_one_line_descriptions():
    for rule_id, rule in RULES.items():
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule_id)
        assert rule.id == rule_id
        assert rule.severity in (Severity.ERROR, Severity.WARNING)
        assert rule.description and "\n" not in rule.description
        assert rule.hint and "\n" not in rule.hint


def test_module_docstring_table_matches_the_registry():
    table = re.findall(r"^\| ([a-z-]+) +\| (error|warning) +\|", item_writing.__doc__ or "", re.MULTILINE)
    assert dict(table) == {rule_id: rule.severity.value for rule_id, rule in RULES.items()}


def test_item_takes_plain_strings_and_rejects_unknown_kinds():
    item = Item(name="q", kind="truefalse", stem="S", choices=[ItemChoice("True", 1.0)], language="es")
    assert (item.kind, item.language, item.choices) == (Kind.TRUEFALSE, "es", (ItemChoice("True", 1.0),))
    with pytest.raises(ValueError, match="essay"):
        Item(name="q", kind="essay", stem="S", choices=())


def test_package_imports_only_the_standard_library_and_its_own_modules():
    files = sorted(Path(item_writing.__file__).parent.glob("*.py"))
    assert len(files) > 1
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
        # A relative import may name a module of this package ("from .model import"), nothing above it.
        relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 0]
        assert all(node.level == 1 for node in relative), path.name
        assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names) | {"__future__"}, path.name


# --- properties ------------------------------------------------------------------------------

VOCABULARY = [
    "Which",
    "of",
    "the",
    "following",
    "is",
    "NOT",
    "not",
    "an",
    "a",
    "All",
    "above",
    "none",
    "Ninguna",
    "anteriores",
    "¿Cuál",
    "no",
    "es",
    "verdadera?",
    "always",
    "never",
    "only",
    "solo",
    "1-5",
    "5-10",
    "1",
    "in",
    "4",
    "More",
    "than",
    "About",
    "%",
    "**not**",
    "_",
    "Both",
    "A",
    "and",
    "B",
    "?",
    ".",
    "¿",
    "except",
]
texts = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(VOCABULARY), max_size=14).map(" ".join))
fractions = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True), st.floats(), st.integers(-2, 2), st.sampled_from([0, 1])
)
items = st.builds(
    Item,
    name=st.text(max_size=10),
    kind=st.sampled_from(list(Kind)),
    stem=texts,
    choices=st.lists(st.builds(ItemChoice, text=texts, fraction=fractions), max_size=6).map(tuple),
    language=st.sampled_from(["en", "es"]),
    allow=st.frozensets(st.sampled_from(sorted(RULES))),
)


@given(items)
def test_checker_never_raises_and_only_reports_known_rules_not_allowed(item):
    findings = check(item)
    assert all(f.rule in RULES and f.rule not in item.allow for f in findings)
    assert all(f.severity == RULES[f.rule].severity for f in findings)


@given(items)
def test_strict_finds_the_same_flaws_as_errors(item):
    assert [(f.rule, f.message) for f in check(item, strict=True)] == [(f.rule, f.message) for f in check(item)]
    assert all(f.severity == Severity.ERROR for f in check(item, strict=True))
