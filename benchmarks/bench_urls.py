"""Benchmark-only URLconf: the whole site plus /bare/, a tiny template through the same middleware."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

_BARE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><p>Hello from {{ title }}.</p></body></html>"
)


def bare(request):
    return HttpResponse(_BARE.render({"title": "a bare Django view"}, request))


urlpatterns = [
    path("bare/", bare),
    path("", include("kyphoquiz.urls")),
]
