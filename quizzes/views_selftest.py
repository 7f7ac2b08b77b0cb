"""Trainee self-test pages (being written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


selftest_new = selftest_take = selftest_finish = selftest_review = progress = review_queue = _todo
