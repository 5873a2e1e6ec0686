"""Organization settings (admins), with the plan's limits and current usage."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from helpdesk import limits, selectors
from helpdesk.errors import DomainError
from helpdesk.forms import OrganizationSettingsForm
from helpdesk.models import Organization, Role
from helpdesk.models.organization import LIMITED_RESOURCES
from helpdesk.services import accounts
from helpdesk.views.access import member_view

RESOURCE_LABELS = {
    "agents": "Agents",
    "domains": "Website domains",
    "chatbots": "Chatbots",
    "documents": "Documents",
    "kb_items": "Knowledge-base items",
}


def _usage_rows(organization) -> list[dict]:
    usage = limits.usage(organization)
    if "agents" not in usage:
        usage["agents"] = selectors.agent_list(organization=organization).count()
    rows = []
    for resource in LIMITED_RESOURCES:
        if resource not in usage:
            continue  # the app that counts it is not installed yet
        limit = organization.limits.get(resource)
        label = RESOURCE_LABELS.get(resource, resource.replace("_", " ").capitalize())
        rows.append({"resource": label, "used": usage[resource], "limit": limit})
    return rows


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def organization_settings(request, tenant):
    organization = tenant.organization
    if request.method == "POST":
        form = OrganizationSettingsForm(request.POST, organization=organization)
        if form.is_valid():
            try:
                # A fresh copy: a refused change must not leak into this request's tenant.
                accounts.organization_update_settings(
                    organization=Organization.objects.get(pk=organization.pk), changes=form.cleaned_data
                )
            except DomainError as error:
                form.add_domain_error(error)
            except ValidationError as error:
                form.add_validation_error(error)
            else:
                messages.success(request, "Organization settings saved.")
                return redirect("settings:organization")
    else:
        form = OrganizationSettingsForm(
            initial=OrganizationSettingsForm.initial_for(organization), organization=organization
        )
    context = {"form": form, "usage_rows": _usage_rows(organization)}
    return render(request, "settings/organization.html", context, status=400 if form.errors else 200)
