from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("quizzes.accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("", include("quizzes.urls")),
]

handler403 = "kyphoquiz.views.permission_denied"
handler404 = "kyphoquiz.views.page_not_found"
handler500 = "kyphoquiz.views.server_error"
