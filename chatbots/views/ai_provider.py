"""Settings › AI provider (admins): the organization's default Ollama endpoint and model, the
endpoints chatbots may use, and a connection test that lists the models found."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from chatbots import ollama_status
from chatbots.forms import AIProviderForm
from chatbots.views.common import ADMIN_ROLE
from helpdesk.errors import DomainError
from helpdesk.ollama import OllamaUnavailable
from helpdesk.selectors import ai_provider_summary
from helpdesk.services import accounts
from helpdesk.views.access import member_view


def _context(tenant, form, test=None) -> dict:
    organization = tenant.organization
    return {
        "form": form,
        "summary": ai_provider_summary(organization=organization),
        "ollama": ollama_status.cached_status(organization),
        "test": test,
    }


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def ai_provider(request, tenant):
    organization = tenant.organization
    initial = {"endpoint": organization.ollama_endpoint, "model": organization.ollama_model}
    form = AIProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.ai_provider_update(
                organization=organization,
                endpoint=form.cleaned_data["endpoint"],
                model=form.cleaned_data["model"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            ollama_status.forget_status(organization)
            messages.success(request, "AI provider saved. Test the connection to see the models it has.")
            return redirect("chatbots:ai-provider")
    return render(
        request, "settings/ai_provider.html", _context(tenant, form), status=400 if form.errors else 200
    )


def connection_test(organization, endpoint: str) -> dict:
    """``ai_provider_test`` as the page shows it: the models found, or why none were."""
    try:
        result = accounts.ai_provider_test(organization=organization, endpoint=endpoint or None)
    except OllamaUnavailable as error:
        return {"ok": False, "endpoint": endpoint, "error": error.message, "unreachable": True}
    except DomainError as error:
        return {"ok": False, "endpoint": endpoint, "error": error.message, "unreachable": False}
    finally:
        ollama_status.forget_status(organization)
    return result


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def ai_provider_test(request, tenant):
    if request.method != "POST":
        return redirect("chatbots:ai-provider")
    endpoint = request.POST.get("endpoint", "").strip()[:300]
    test = connection_test(tenant.organization, endpoint)
    if request.htmx:
        return render(request, "chatbots/_ai_provider_test.html", {"test": test})
    initial = {"endpoint": endpoint, "model": tenant.organization.ollama_model}
    return render(
        request, "settings/ai_provider.html", _context(tenant, AIProviderForm(initial=initial), test)
    )
