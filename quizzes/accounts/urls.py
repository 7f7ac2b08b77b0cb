from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.KQLoginView.as_view(), name="login"),
    path("logout/", views.KQLogoutView.as_view(), name="logout"),
    path("signup/", views.SignupView.as_view(), name="signup"),
]
