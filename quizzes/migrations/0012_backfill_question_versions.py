"""Every existing question gets its current version recorded, so its history starts today."""

from django.db import migrations


def _snapshot(question):
    # The shape of `authoring.versions.version_snapshot` when this migration was written.
    return {
        "name": question.name,
        "kind": question.kind,
        "scoring": question.scoring,
        "stem": question.stem,
        "explanation": question.explanation,
        "source": question.source,
        "topic": question.topic.slug if question.topic_id else None,
        "translations": question.translations,
        "choices": [
            {
                "id": c.id,
                "position": c.position,
                "text": c.text,
                "fraction": str(c.fraction),
                "feedback": c.feedback,
                "translations": c.translations,
            }
            for c in sorted(question.choices.all(), key=lambda c: (c.position, c.id))
        ],
    }


def backfill(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    questions = Question.objects.select_related("topic").prefetch_related("choices").iterator(chunk_size=500)
    QuestionVersion.objects.bulk_create(
        (QuestionVersion(question=q, number=q.version, snapshot=_snapshot(q)) for q in questions),
        batch_size=500,
    )


def unfill(apps, schema_editor):
    apps.get_model("quizzes", "QuestionVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0011_question_versions_scoring_translation_sources")]

    operations = [migrations.RunPython(backfill, unfill)]
