"""The answer monitor (admins): answers to review with quick filters (low confidence,
thumbs-down, unverified, unread), text search, and an inline form per answer to correct the
question or the answer and verify it (which makes a verified knowledge-base item the bot answers
from next time)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from chatbots import selectors, selectors_ui
from chatbots.forms import MonitorReviewForm
from chatbots.services import monitor as monitor_services
from chatbots.views.common import ADMIN_ROLE, LOW_CONFIDENCE, banner_context, with_toast
from helpdesk.errors import DomainError
from helpdesk.views.access import member_view

PER_PAGE = 20
MAX_QUERY_CHARS = 200
FILTERS = {
    "low": ("Low confidence", {"max_confidence": LOW_CONFIDENCE}),
    "thumbs_down": ("Thumbs down", {"rating": -1}),
    "unverified": ("Unverified", {"verification_indicator": 0}),
    "unread": ("Not reviewed", {"read_indicator": 0}),
}


def _record_or_404(tenant, session_id, index):
    message = selectors.monitor_record_get(
        organization=tenant.organization, session_id=session_id, index=index
    )
    if message is None or message.role != "assistant":
        raise Http404("No such answer.")
    return message


def _querystring(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def monitor(request, tenant):
    organization = tenant.organization
    text = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    show = request.GET.get("show", "")
    show = show if show in FILTERS else ""
    bots = list(selectors.chatbot_list(organization=organization))
    chatbot = next((bot for bot in bots if str(bot.pk) == request.GET.get("chatbot", "")), None)
    records = selectors.monitor_records(
        organization=organization,
        text=text or None,
        chatbot_id=chatbot.pk if chatbot else None,
        **(FILTERS[show][1] if show else {}),
    )
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors_ui.monitor_counts(organization=organization, low_confidence=LOW_CONFIDENCE)
    context = {
        **banner_context(tenant, chatbot),
        "page_obj": page,
        "records": list(page.object_list),
        "bots": bots,
        "chatbot": chatbot,
        "text": text,
        "show": show,
        "filters": [(key, label, counts.get(key, 0)) for key, (label, _) in FILTERS.items()],
        "total": counts["all"],
        "filtered": bool(text or show or chatbot),
        "querystring": _querystring(request, page=None),
        "filter_query": _querystring(request, page=None, show=None),
        "low_confidence": LOW_CONFIDENCE,
        "back": request.get_full_path(),
    }
    return render(request, "chatbots/monitor.html", context)


def _row(request, message, *, form=None, status=200):
    template = "chatbots/_monitor_edit.html" if form is not None else "chatbots/_monitor_row.html"
    return render(request, template, {"record": message, "form": form}, status=status)


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def monitor_record(request, tenant, session_id, index):
    """One answer: its table row (htmx), its review form (``?edit=1`` or without JavaScript the
    review page), and saving the review."""
    message = _record_or_404(tenant, session_id, index)
    if request.method == "POST":
        form = MonitorReviewForm(request.POST)
        if form.is_valid():
            try:
                message = monitor_services.monitor_update(
                    message=message, membership=tenant.membership, **form.service_fields(message)
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                verified = message.verification_indicator > 0
                text = (
                    "Answer verified: the bot answers from it from now on." if verified else "Review saved."
                )
                if request.htmx:
                    return with_toast(_row(request, message), text)
                messages.success(request, text)
                return redirect(_safe_back(request))
        if request.htmx:  # htmx swaps only 2xx answers: the form comes back with its errors
            return _row(request, message, form=form)
        return render(
            request,
            "chatbots/monitor_review.html",
            {"record": message, "form": form, "back": _safe_back(request)},
            status=400,
        )
    if request.htmx:
        form = (
            MonitorReviewForm(initial=MonitorReviewForm.initial_for(message))
            if request.GET.get("edit")
            else None
        )
        return _row(request, message, form=form)
    form = MonitorReviewForm(initial=MonitorReviewForm.initial_for(message))
    return render(
        request,
        "chatbots/monitor_review.html",
        {"record": message, "form": form, "back": _safe_back(request)},
    )


def _safe_back(request) -> str:
    """Where to go after a review without JavaScript: the monitor list the admin came from."""
    back = request.POST.get("back") or request.GET.get("back") or ""
    return (
        back
        if back.startswith(reverse("chatbots:monitor")) and "//" not in back
        else reverse("chatbots:monitor")
    )
