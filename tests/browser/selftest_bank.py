"""A trainee and a small question bank for the self-test browser tests (fixtures registered in
conftest.py). Every stem, choice and explanation is unique, so a test can find a question by the
stem shown and pick by label."""

from decimal import Decimal

import pytest

from quizzes.models import Audience, Choice, Lesson, LessonSection, Question, Quiz, Topic

PASSWORD = "Calcium-Spine-2026!"

# Two topics a test is built from, and one the trainee leaves out.
TOPICS = {"vertebral-anatomy": ("Vertebral anatomy", 6), "cement-technique": ("Cement technique", 6)}
LEFT_OUT = ("evidence-base", "Evidence base", 3)


@pytest.fixture
def bank(transactional_db):
    """A published trainee quiz whose questions are spread over three topics."""
    quiz = Quiz.objects.create(slug="trainee-bank", title="Trainee bank", audience=Audience.TRAINEE, pass_mark=70)
    lesson = Lesson.objects.create(slug="vcf", title="Vertebral fractures", audience=Audience.TRAINEE)
    section = LessonSection.objects.create(
        lesson=lesson,
        slug="basics",
        title="Basics",
        body="Vertebral compression fractures and cement augmentation.",
        position=1,
    )
    position = 0
    for slug, (title, count) in [*TOPICS.items(), (LEFT_OUT[0], LEFT_OUT[1:])]:
        topic = Topic.objects.create(slug=slug, title=title)
        for n in range(1, count + 1):
            position += 1
            question = Question.objects.create(
                quiz=quiz,
                name=f"{slug}-{n}",
                position=position,
                stem=f"{title}, question {n}: which statement is true?",
                explanation=f"Because of fact {n} about {title.lower()}.",
                source="Bench reference, 2024",
                topic=topic,
                section=section,
            )
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    position=i,
                    text=f"{title} {n}: {'true' if i == 1 else f'false statement {i}'}",
                    fraction=Decimal(1 if i == 1 else 0),
                    feedback="" if i == 1 else f"Not so for {title.lower()} {n}.",
                )
                for i in range(1, 5)
            )
    return quiz


@pytest.fixture
def trainee(transactional_db, django_user_model):
    from quizzes import roles

    user = django_user_model.objects.create_user(username="resident", password=PASSWORD)
    roles.role_assign(user=user, role=roles.TRAINEE)
    return user


def pick(item, *, right: bool) -> dict:
    """The choice (from the item's snapshot) to click: a right one, or a wrong one."""
    return next(c for c in item.snapshot["choices"] if (Decimal(c["fraction"]) == 1) == right)
