"""Every model of the `quizzes` app, one module per part, re-exported here.

Django finds a model by its app label, not its module, so moving a class between these
modules changes no schema and no permission name.
"""

from .authoring import QuestionVersion
from .catalogue import Audience, Choice, Lesson, LessonSection, Question, Quiz, Topic
from .consent import AuditLogEntry, ConsentRecord, Enrolment, Language, Pathway, PathwayStep, RecordEvent, SignOff
from .learning import Attempt, LessonProgress, Response
from .selftest import QuestionProgress, SelfTest, SelfTestItem

__all__ = [
    "Attempt",
    "Audience",
    "AuditLogEntry",
    "Choice",
    "ConsentRecord",
    "Enrolment",
    "Language",
    "Lesson",
    "LessonProgress",
    "LessonSection",
    "Pathway",
    "PathwayStep",
    "Question",
    "QuestionProgress",
    "QuestionVersion",
    "Quiz",
    "RecordEvent",
    "Response",
    "SelfTest",
    "SelfTestItem",
    "SignOff",
    "Topic",
]
