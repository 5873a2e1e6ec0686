"""Settings (admins): website domains, the snippet to paste, the widget's look and origins."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from conversations.domain_forms import DomainBindForm, DomainWidgetForm
from conversations.selectors.domains import domain_list as domains_of
from conversations.services.domains import domain_bind, domain_update, widget_code, widget_code_sdk
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

admin_only = member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)


@admin_only
def domain_list(request, tenant):
    """GET lists the domains; POST binds a new one and opens its page."""
    form = DomainBindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain = domain_bind(organization=tenant.organization, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{domain.label} is bound: paste the snippet into its pages.")
            return redirect("conversations:settings-domain", pk=domain.pk)
    domains = domains_of(organization=tenant.organization).annotate(
        conversation_count=Count("inbox__conversations")
    )
    context = {"domains": domains, "form": form if request.method == "POST" else DomainBindForm()}
    return render(request, "conversations/settings/domains.html", context, status=400 if form.errors else 200)


@admin_only
def domain_edit(request, tenant, pk):
    domain = get_object_or_404(domains_of(organization=tenant.organization), pk=pk)
    if request.method == "POST":
        form = DomainWidgetForm(request.POST)
        if form.is_valid():
            try:
                domain_update(domain=domain, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Widget of {domain.label} saved.")
                return redirect("conversations:settings-domain", pk=domain.pk)
    else:
        form = DomainWidgetForm(
            initial={
                "label": domain.label,
                "color": domain.color,
                "position": domain.position,
                "greeting": domain.greeting,
                "launcher_text": domain.launcher_text,
                "allowed_origins": "\n".join(domain.allowed_origins),
                "is_active": domain.is_active,
            }
        )
    context = {
        "domain": domain,
        "form": form,
        "widget_code": widget_code(domain),
        "widget_code_sdk": widget_code_sdk(domain),
    }
    return render(
        request, "conversations/settings/domain_form.html", context, status=400 if form.errors else 200
    )
