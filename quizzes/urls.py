from django.urls import path

from . import views, views_consent, views_selftest, views_staff

app_name = "quizzes"

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson_detail"),
    path("quizzes/<slug:slug>/", views.quiz_take, name="quiz_take"),
    path("attempts/<int:pk>/", views.attempt_result, name="attempt_result"),
    path("me/results/", views.my_results, name="my_results"),
    path("healthz", views.healthz, name="healthz"),
    # Trainees: custom self-tests, progress and spaced review
    path("selftest/new/", views_selftest.selftest_new, name="selftest_new"),
    path("selftest/<int:pk>/", views_selftest.selftest_take, name="selftest_take"),
    path("selftest/<int:pk>/finish/", views_selftest.selftest_finish, name="selftest_finish"),
    path("selftest/<int:pk>/review/", views_selftest.selftest_review, name="selftest_review"),
    path("progress/", views_selftest.progress, name="progress"),
    path("review/", views_selftest.review_queue, name="review_queue"),
    # Patients: consent education pathway (password-less, via link or code)
    path("consent/", views_consent.consent_code, name="consent_code"),
    path("consent/pathway/", views_consent.pathway_home, name="pathway_home"),
    path("consent/leave/", views_consent.pathway_leave, name="pathway_leave"),
    path("consent/pathway/lessons/<slug:slug>/", views_consent.pathway_lesson, name="pathway_lesson"),
    path("consent/pathway/check/", views_consent.pathway_check, name="pathway_check"),
    path("consent/pathway/answers/<int:pk>/", views_consent.pathway_feedback, name="pathway_feedback"),
    path("consent/<str:token>/", views_consent.consent_link, name="consent_link"),
    # Clinicians
    path("staff/patients/", views_staff.patient_list, name="patient_list"),
    path("staff/patients/new/", views_staff.patient_new, name="patient_new"),
    path("staff/patients/<int:pk>/", views_staff.patient_detail, name="patient_detail"),
    path("staff/patients/<int:pk>/pdf/", views_staff.patient_pdf, name="patient_pdf"),
    path("staff/patients/<int:pk>/signoff/", views_staff.patient_signoff, name="patient_signoff"),
    path("staff/patients/<int:pk>/revoke/", views_staff.patient_revoke, name="patient_revoke"),
]

# Progress charts (SVG, shown with <img>)
urlpatterns += [
    path("progress/chart/<slug:name>.svg", views_selftest.progress_chart, name="progress_chart"),
]
