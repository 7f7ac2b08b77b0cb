from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson_detail"),
    path("quizzes/<slug:slug>/", views.quiz_take, name="quiz_take"),
    path("attempts/<int:pk>/", views.attempt_result, name="attempt_result"),
    path("me/results/", views.my_results, name="my_results"),
    path("healthz", views.healthz, name="healthz"),
]
