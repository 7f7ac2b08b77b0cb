"""Account pages: sign up, log in, log out."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import CreateView

from .. import roles
from . import services
from .forms import LoginForm, SignupForm


class SignupView(CreateView):
    form_class = SignupForm
    template_name = "registration/signup.html"
    success_url = reverse_lazy("quizzes:home")

    def form_valid(self, form):
        self.object = services.trainee_sign_up(form=form)
        login(self.request, self.object, backend="quizzes.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your account is ready."))
        return redirect(self.get_success_url())


class KQLoginView(LoginView):
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        """Without a `next`, each role lands where its work is (`roles.landing_page`)."""
        return resolve_url(roles.landing_page(self.request.user))


class KQLogoutView(LogoutView):
    """Logging out needs a POST (CSRF-safe); a GET shows a page with the button."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "registration/logout_confirm.html")
