import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from quizzes.accounts.forms import SignupForm
from quizzes.accounts.services import trainee_sign_up

pytestmark = pytest.mark.django_db

DATA = {"username": "newtrainee", "password1": "a-long-Passphrase-42", "password2": "a-long-Passphrase-42"}


def test_sign_up_makes_a_trainee():
    form = SignupForm(DATA)
    assert form.is_valid(), form.errors
    user = trainee_sign_up(form=form)
    assert user.has_perm("quizzes.take_quiz")


def test_sign_up_without_the_role_keeps_no_account():
    Group.objects.filter(name="trainee").delete()
    form = SignupForm(DATA)
    assert form.is_valid(), form.errors
    with pytest.raises(Group.DoesNotExist):
        trainee_sign_up(form=form)
    assert not get_user_model().objects.filter(username="newtrainee").exists()
