from django.urls import path

from .analysis import views as analysis_views
from .authoring import views as authoring_views
from .consent import patient_views, staff_views
from .learning import views as learning_views
from .selftest import views as selftest_views

app_name = "quizzes"

urlpatterns = [
    path("", learning_views.home, name="home"),
    path("lessons/<slug:slug>/", learning_views.lesson_detail, name="lesson_detail"),
    path("quizzes/<slug:slug>/", learning_views.quiz_take, name="quiz_take"),
    path("quizzes/<slug:slug>/save/", learning_views.quiz_save, name="quiz_save"),
    path("attempts/<int:pk>/", learning_views.attempt_result, name="attempt_result"),
    path("me/results/", learning_views.my_results, name="my_results"),
    # Trainee self-tests and spaced review
    path("selftest/new/", selftest_views.selftest_new, name="selftest_new"),
    path("selftest/<int:pk>/", selftest_views.selftest_take, name="selftest_take"),
    path("selftest/<int:pk>/finish/", selftest_views.selftest_finish, name="selftest_finish"),
    path("selftest/<int:pk>/review/", selftest_views.selftest_review, name="selftest_review"),
    path("selftest/<int:pk>/discard/", selftest_views.selftest_discard, name="selftest_discard"),
    path("progress/", selftest_views.progress_page, name="progress"),
    path("progress/chart/<slug:name>.svg", selftest_views.progress_chart, name="progress_chart"),
    path("review/", selftest_views.review_queue, name="review_queue"),
    # Patient consent education
    path("consent/", patient_views.consent_code, name="consent_code"),
    path("consent/pathway/", patient_views.pathway_home, name="pathway_home"),
    path("consent/leave/", patient_views.pathway_leave, name="pathway_leave"),
    path("consent/pathway/go-on/", patient_views.pathway_resume, name="pathway_resume"),
    path("consent/pathway/lessons/<slug:slug>/", patient_views.pathway_lesson, name="pathway_lesson"),
    path(
        "consent/pathway/lessons/<slug:slug>/<int:number>/",
        patient_views.pathway_lesson_step,
        name="pathway_lesson_step",
    ),
    path("consent/pathway/lessons/<slug:slug>/more/<slug:section>/", patient_views.pathway_more, name="pathway_more"),
    path("consent/pathway/practice/<int:number>/", patient_views.pathway_practice, name="pathway_practice"),
    path("consent/pathway/done/", patient_views.pathway_done, name="pathway_done"),
    path("consent/pathway/check/", patient_views.pathway_check, name="pathway_check"),
    path("consent/pathway/answers/<int:pk>/", patient_views.pathway_feedback, name="pathway_feedback"),
    path("consent/<str:token>/", patient_views.consent_link, name="consent_link"),
    # Clinician pages
    path("staff/patients/", staff_views.patient_list, name="patient_list"),
    path("staff/patients/new/", staff_views.patient_new, name="patient_new"),
    path("staff/patients/<int:pk>/", staff_views.patient_detail, name="patient_detail"),
    path("staff/patients/<int:pk>/pdf/", staff_views.patient_pdf, name="patient_pdf"),
    path("staff/patients/<int:pk>/signoff/", staff_views.patient_signoff, name="patient_signoff"),
    path("staff/patients/<int:pk>/revoke/", staff_views.patient_revoke, name="patient_revoke"),
    path("staff/patients/<int:pk>/lift-lockout/", staff_views.patient_lockout_lift, name="patient_lockout_lift"),
    # Educators: item analysis and the consent check statistics
    path("staff/quizzes/", analysis_views.quiz_stats_list, name="quiz_stats_list"),
    path("staff/quizzes/<slug:slug>/statistics/", analysis_views.quiz_statistics, name="quiz_statistics"),
    path(
        "staff/quizzes/<slug:slug>/statistics/<slug:name>.svg",
        analysis_views.quiz_statistics_chart,
        name="quiz_statistics_chart",
    ),
    path(
        "staff/quizzes/<slug:slug>/statistics/<slug:export>.csv",
        analysis_views.quiz_export_csv,
        name="quiz_export_csv",
    ),
    # Educators: importing questions from a file
    path("staff/import/", authoring_views.import_upload, name="import_upload"),
    path("staff/import/confirm/", authoring_views.import_confirm, name="import_confirm"),
    path("staff/pathways/<slug:slug>/check/", analysis_views.consent_check, name="consent_check_stats"),
]
