"""Educators' statistics pages: the quiz list, a quiz's item analysis with its charts, and the
patient consent check. Staff only, with the `view_question_stats` permission."""

from csp.decorators import csp
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..roles import staff_only
from . import charts, report, results, selectors
from .forms import StatisticsOptionsForm

stats_page = staff_only("quizzes.view_question_stats")


@require_GET
@stats_page
def quiz_stats_list(request):
    context = {"quizzes": selectors.quiz_list_for_stats(), "pathways": selectors.pathway_list()}
    return render(request, "quizzes/analysis/quiz_stats_list.html", context)


def _analysis(request, slug):
    form = StatisticsOptionsForm(request.GET or None)
    quiz = selectors.quiz_get_for_stats(slug=slug)
    return form, selectors.item_analysis(quiz=quiz, **form.options())


@require_GET
@stats_page
def quiz_statistics(request, slug):
    form, analysis = _analysis(request, slug)
    context = {
        "form": form,
        "analysis": analysis,
        "s": analysis.stats.quiz,
        "rows": report.question_rows(analysis),
        "quiz_flags": report.quiz_flags(analysis),
        "attempts_counted": report.ATTEMPTS_COUNTED[analysis.attempts_counted],
        "source": report.SOURCES[analysis.source],
        "query": request.GET.urlencode(),
    }
    return render(request, "quizzes/analysis/quiz_statistics.html", context)


@require_GET
@stats_page
# The SVG carries its own <style>; it is shown as an image, where no script ever runs.
@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
def quiz_statistics_chart(request, slug, name):
    if name not in charts.STATISTICS_CHARTS:
        raise Http404
    _form, analysis = _analysis(request, slug)
    svg = charts.statistics_svg(name, analysis, layout=request.GET.get("layout"))
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_GET
@stats_page
def consent_check(request, slug):
    pathway = selectors.pathway_get(slug=slug)
    languages = selectors.consent_check(pathway=pathway)
    return render(request, "quizzes/analysis/consent_check.html", {"pathway": pathway, "languages": languages})


@require_GET
@stats_page
def quiz_export_csv(request, slug, export):
    """A quiz's results or responses as a CSV download, streamed (see `results.py`)."""
    if export not in results.EXPORTS:
        raise Http404
    quiz = selectors.quiz_get_for_stats(slug=slug)
    response = StreamingHttpResponse(results.export_lines(quiz=quiz, export=export), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}-{export}.csv"'
    return response
