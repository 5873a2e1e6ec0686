"""Agents: list (everyone), invite / change role and teams / disable / remove (admins)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from helpdesk import selectors
from helpdesk.errors import DomainError
from helpdesk.forms import AgentInviteForm, AgentUpdateForm
from helpdesk.models import Invitation, Role
from helpdesk.services import agents as agent_services
from helpdesk.views.access import member_view


def _render_list(request, tenant, form, *, status=200):
    context = {
        "agents": selectors.agent_list(organization=tenant.organization),
        "form": form,
        "can_manage": tenant.has_role(Role.ADMIN),
    }
    return render(request, "settings/agents.html", context, status=status)


@member_view(view_role=Role.AGENT, write_role=Role.ADMIN)
def agent_list(request, tenant):
    """GET lists the agents; POST invites one: an email with a one-time link goes to them (no
    password is made or shown here)."""
    organization, actor = tenant.organization, tenant.membership
    if request.method != "POST":
        return _render_list(request, tenant, AgentInviteForm(organization=organization, actor=actor))
    form = AgentInviteForm(request.POST, organization=organization, actor=actor)
    if form.is_valid():
        first_name, last_name = form.names()
        try:
            membership = agent_services.agent_invite(
                organization=organization,
                email=form.cleaned_data["email"],
                first_name=first_name,
                last_name=last_name,
                role=form.cleaned_data["role"],
                teams=list(form.cleaned_data["teams"]),
                actor=actor,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if isinstance(membership, Invitation):
                messages.success(
                    request,
                    f"{membership.user.email} has an account already: an invitation email is on its "
                    f"way, and they join {organization.name} when they accept it.",
                )
            else:
                messages.success(
                    request,
                    f"Invitation sent to {membership.user.email}: they choose their password from "
                    "the link in the email (it works once).",
                )
            return redirect("settings:agents")
    return _render_list(request, tenant, form, status=400)


def _agent(tenant, pk):
    return get_object_or_404(selectors.agent_list(organization=tenant.organization), pk=pk)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def agent_detail(request, tenant, pk):
    membership = _agent(tenant, pk)
    organization, actor = tenant.organization, tenant.membership
    if request.method == "POST":
        form = AgentUpdateForm(request.POST, organization=organization, actor=actor, membership=membership)
        if form.is_valid():
            try:
                agent_services.agent_update(
                    membership=membership,
                    actor=actor,
                    role=form.cleaned_data["role"],
                    teams=list(form.cleaned_data["teams"]),
                )
            except DomainError as error:
                form.add_domain_error(error)
                membership = _agent(tenant, pk)  # show what is stored, not the refused change
            else:
                messages.success(request, f"Saved {membership.user.full_name}.")
                return redirect("settings:agents")
    else:
        form = AgentUpdateForm(
            organization=organization,
            actor=actor,
            membership=membership,
            initial={
                "role": membership.role,
                "teams": list(membership.teams.all()),
            },
        )
    context = {"agent": membership, "form": form, "is_self": membership.pk == actor.pk}
    return render(request, "settings/agent_detail.html", context, status=400 if form.errors else 200)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def agent_set_enabled(request, tenant, pk):
    if request.method != "POST":
        return redirect("settings:agent", pk=pk)
    membership = _agent(tenant, pk)
    enable = request.POST.get("enabled") == "1"
    try:
        agent_services.agent_update(membership=membership, actor=tenant.membership, is_active=enable)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        verb = "enabled" if enable else "disabled"
        messages.success(request, f"{membership.user.full_name} is {verb}.")
    return redirect("settings:agent", pk=pk)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def agent_remove(request, tenant, pk):
    if request.method != "POST":
        return redirect("settings:agent", pk=pk)
    membership = _agent(tenant, pk)
    try:
        agent_services.agent_remove(membership=membership, actor=tenant.membership)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("settings:agent", pk=pk)
    messages.success(request, f"{membership.user.email} was removed from {tenant.organization.name}.")
    return redirect("settings:agents")
