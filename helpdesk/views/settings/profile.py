"""My profile (every member): name, availability, password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from helpdesk import selectors
from helpdesk.errors import DomainError
from helpdesk.forms import OrganizationCreateForm, ProfileForm
from helpdesk.models import Role
from helpdesk.services import accounts
from helpdesk.services import agents as agent_services
from helpdesk.views.access import member_view


def _profile_initial(membership) -> dict:
    return {
        "first_name": membership.user.first_name,
        "last_name": membership.user.last_name,
        "availability_status": membership.availability_status,
    }


def _password_form(user, data=None) -> PasswordChangeForm:
    form = PasswordChangeForm(user, data)
    form.fields["old_password"].widget.attrs.pop("autofocus", None)  # the profile comes first
    return form


def _render(request, tenant, *, profile_form=None, password_form=None, organization_form=None):
    membership = tenant.membership
    context = {
        "profile_form": profile_form or ProfileForm(initial=_profile_initial(membership)),
        "password_form": password_form or _password_form(request.user),
        "organization_form": organization_form or OrganizationCreateForm(),
        "invitations": selectors.pending_invitations(user=request.user),
    }
    failed = any(
        form is not None and form.errors for form in (profile_form, password_form, organization_form)
    )
    return render(request, "settings/profile.html", context, status=400 if failed else 200)


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def profile(request, tenant):
    if request.method != "POST":
        return _render(request, tenant)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            agent_services.agent_update(
                membership=tenant.membership,
                actor=tenant.membership,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                availability_status=form.cleaned_data["availability_status"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Profile saved.")
            return redirect("settings:profile")
    return _render(request, tenant, profile_form=form)


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def change_password(request, tenant):
    if request.method != "POST":
        return redirect("settings:profile")
    form = _password_form(request.user, request.POST)
    if form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # keep this session signed in
        messages.success(request, "Password changed.")
        return redirect("settings:profile")
    return _render(request, tenant, password_form=form)


@require_POST
@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def invitation_respond(request, tenant, pk, answer):
    """Accept (join, and switch to, the inviting organization) or decline my invitation."""
    try:
        if answer == "accept":
            membership = agent_services.invitation_accept(user=request.user, invitation_id=pk)
        else:
            agent_services.invitation_decline(user=request.user, invitation_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("settings:profile")
    if answer == "accept":
        request.session["organization_id"] = membership.organization_id
        messages.success(request, f"You joined {membership.organization.name}.")
        return redirect("home")
    messages.success(request, "Invitation declined.")
    return redirect("settings:profile")


@member_view(view_role=Role.AGENT, write_role=Role.AGENT)
def organization_create(request, tenant):
    """Create another organization that I own, and switch to it."""
    if request.method != "POST":
        return redirect("settings:profile")
    form = OrganizationCreateForm(request.POST)
    if form.is_valid():
        try:
            organization, _ = accounts.organization_add(user=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session["organization_id"] = organization.pk
            messages.success(request, f"Created {organization.name}; you are its owner.")
            return redirect("home")
    return _render(request, tenant, organization_form=form)
