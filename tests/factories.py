from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from quizzes import roles
from quizzes.models import Audience, Choice, Lesson, LessonSection, Question, Quiz, Topic
from quizzes.snapshots import choice_ids_by_value

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        """`UserFactory(role="clinician")`; a trainee by default, `role="none"` for none."""
        if create and extracted != "none":
            roles.role_assign(user=obj, role=extracted or roles.TRAINEE)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"topic-{n}")
    title = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    audience = Audience.PATIENT


class LessonSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonSection

    lesson = factory.SubFactory(LessonFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Your bones are alive. They change all the time."
    position = factory.Sequence(int)


class QuizFactory(factory.django.DjangoModelFactory):
    """A quiz; `QuizFactory(questions=10)` also makes ten single-answer questions."""

    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    audience = Audience.TRAINEE
    pass_mark = 70

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        for i in range(extracted or 0):
            QuestionFactory(quiz=obj, position=i + 1)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-answer question with choices "Right" (1) and "Wrong A/B/C" (0)."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    quiz = factory.SubFactory(QuizFactory)
    name = factory.Sequence(lambda n: f"question-{n}")
    position = factory.Sequence(int)
    kind = Question.Kind.SINGLE
    stem = factory.Sequence(lambda n: f"Stem of question {n}?")
    explanation = "The EXPLANATION-SECRET for this question."
    source = "WHO, 1994"

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):
        specs = (
            extracted
            if extracted is not None
            else [
                ("Right", Decimal(1), "FEEDBACK-RIGHT"),
                ("Wrong A", Decimal(0), "FEEDBACK-WRONG-A"),
                ("Wrong B", Decimal(0), "FEEDBACK-WRONG-B"),
                ("Wrong C", Decimal(0), "FEEDBACK-WRONG-C"),
            ]
        )
        for i, (text, fraction, feedback) in enumerate(specs, start=1):
            Choice.objects.create(question=obj, position=i, text=text, fraction=fraction, feedback=feedback)


def multiple_question(quiz, **kwargs):
    """Two right choices at 0.5 each, two wrong ones at -0.5."""
    return QuestionFactory(
        quiz=quiz,
        kind=Question.Kind.MULTIPLE,
        choices=[
            ("Right 1", Decimal("0.5"), "fb r1"),
            ("Right 2", Decimal("0.5"), "fb r2"),
            ("Wrong 1", Decimal("-0.5"), "fb w1"),
            ("Wrong 2", Decimal("-0.5"), "fb w2"),
        ],
        **kwargs,
    )


def shown_value(choices, choice_id) -> str:
    """The value a page gives the choice `choice_id` among `choices` (in the order shown)."""
    return next(value for value, i in choice_ids_by_value(choices).items() if i == choice_id)
