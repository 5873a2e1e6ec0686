"""The page of an invitation email's one-time link: a new member chooses their password and is
signed in; a person with an account already accepts and joins the organization."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.services.invitations import invitation_for_token, invitation_link_accept
from helpdesk.views.access import no_store


def _refused(request, message: str):
    return render(request, "auth/invitation.html", {"invalid": message}, status=404)


def invitation_link(request, token):
    try:
        link = invitation_for_token(token=token)
    except DomainError as error:
        return _refused(request, error.message)
    form = SetPasswordForm(link.user, request.POST or None) if link.sets_password else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            membership = invitation_link_accept(
                token=token, password=form.cleaned_data["new_password1"] if form else ""
            )
        except DomainError as error:
            if form is None or error.code == "not_found":
                return _refused(request, error.message)
            form.add_error("new_password1", error.message)
        else:
            if link.sets_password or request.user == membership.user:
                if link.sets_password:
                    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                request.session["organization_id"] = membership.organization_id
                messages.success(request, f"Welcome to {membership.organization.name}.")
                return redirect("home")
            messages.success(request, f"You joined {membership.organization.name}. Sign in to start.")
            return redirect("login")
    status = 400 if request.method == "POST" else 200
    context = {"link": link, "form": form}
    return no_store(render(request, "auth/invitation.html", context, status=status))
