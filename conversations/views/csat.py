"""The public satisfaction page behind the signed link of the email channel's resolve message:
``/csat/<token>`` shows "How did we do?" (1–5 and a comment; ``?rating=N`` preselects one, as
a link per rating in the email does), stores the answer once and thanks the contact. A used,
expired or invalid link says so plainly. No sign-in; throttled per address."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.request import Request

from conversations.forms import CsatForm
from conversations.services.csat import (
    CsatAlreadyAnswered,
    CsatLinkExpired,
    csat_answer,
    csat_survey_for_token,
)
from helpdesk.api.throttling import WidgetAddressRateThrottle
from helpdesk.errors import DomainError

TEMPLATE = "conversations/csat/page.html"


def _refused(request, *, title: str, message: str, status: int):
    return render(request, TEMPLATE, {"state": "refused", "title": title, "message": message}, status=status)


@require_http_methods(["GET", "POST"])
def csat_page(request, token):
    try:
        survey = csat_survey_for_token(token=token)
    except CsatLinkExpired:
        return _refused(
            request,
            title="This link has expired",
            message="Survey links are valid for 30 days. Thank you all the same!",
            status=410,
        )
    except DomainError:
        return _refused(
            request,
            title="This link is not valid",
            message="Check that the whole address from the email was opened.",
            status=404,
        )
    organization = survey.conversation.organization
    context = {"survey": survey, "organization": organization, "conversation": survey.conversation}
    if survey.answered_at is not None and request.method == "GET":
        state = "thanks" if request.GET.get("done") == "1" else "used"
        return render(request, TEMPLATE, {**context, "state": state})
    if request.method == "POST":
        if not WidgetAddressRateThrottle().allow_request(Request(request), None):
            return _refused(
                request, title="Too many attempts", message="Wait a moment and try again.", status=429
            )
        form = CsatForm(request.POST)
        if form.is_valid():
            try:
                csat_answer(
                    survey=survey, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
            except CsatAlreadyAnswered:
                return render(request, TEMPLATE, {**context, "state": "used"}, status=409)
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                return redirect(f"{request.path}?done=1")
        return render(request, TEMPLATE, {**context, "state": "ask", "form": form}, status=400)
    initial = {}
    if request.GET.get("rating") in {"1", "2", "3", "4", "5"}:
        initial["rating"] = int(request.GET["rating"])
    return render(request, TEMPLATE, {**context, "state": "ask", "form": CsatForm(initial=initial)})
