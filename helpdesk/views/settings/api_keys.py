"""Organization API keys (admins): list, create (the full key is shown once), revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from helpdesk import selectors
from helpdesk.errors import DomainError
from helpdesk.forms import ApiKeyCreateForm
from helpdesk.models import Role
from helpdesk.services import api_keys as key_services
from helpdesk.views.access import member_view, no_store


def _render(request, tenant, form, *, created=None, full_key=None, status=200):
    context = {
        "api_keys": selectors.api_key_list(organization=tenant.organization),
        "form": form,
        "created": created,
        "full_key": full_key,
    }
    return render(request, "settings/api_keys.html", context, status=status)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def api_key_list(request, tenant):
    """GET lists the keys; POST creates one and shows its full form in this response only."""
    if request.method != "POST":
        return _render(request, tenant, ApiKeyCreateForm())
    form = ApiKeyCreateForm(request.POST)
    if form.is_valid():
        try:
            api_key, full_key = key_services.api_key_create(
                membership=tenant.membership,
                name=form.cleaned_data["name"],
                permissions=form.cleaned_data["permissions"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return no_store(_render(request, tenant, ApiKeyCreateForm(), created=api_key, full_key=full_key))
    return _render(request, tenant, form, status=400)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def api_key_revoke(request, tenant, pk):
    api_key = get_object_or_404(selectors.api_key_list(organization=tenant.organization), pk=pk)
    if request.method == "POST":
        key_services.api_key_revoke(api_key=api_key)
        messages.success(request, f"API key “{api_key.name}” revoked. Requests using it now get 401.")
    return redirect("settings:api-keys")
