"""Teams: list with members (everyone), create / edit / delete (admins)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from helpdesk import selectors
from helpdesk.errors import DomainError
from helpdesk.forms import TeamForm
from helpdesk.models import Membership, Role
from helpdesk.services import teams as team_services
from helpdesk.views.access import member_view


def _members():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user").order_by("user__first_name", "user__email"),
    )


@member_view(view_role=Role.AGENT, write_role=Role.ADMIN)
def team_list(request, tenant):
    teams = selectors.team_list(organization=tenant.organization).prefetch_related(_members())
    context = {"teams": teams, "can_manage": tenant.has_role(Role.ADMIN)}
    return render(request, "settings/teams.html", context)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def team_create(request, tenant):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_services.team_create(organization=tenant.organization, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Team {team} created.")
            return redirect("settings:teams")
    status = 400 if form.errors else 200
    return render(request, "settings/team_form.html", {"form": form, "team": None}, status=status)


def _team(tenant, pk):
    teams = selectors.team_list(organization=tenant.organization).prefetch_related(_members())
    return get_object_or_404(teams, pk=pk)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def team_detail(request, tenant, pk):
    team = _team(tenant, pk)
    if request.method == "POST":
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                team = team_services.team_update(team=team, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
                team = _team(tenant, pk)
            else:
                messages.success(request, f"Team {team} saved.")
                return redirect("settings:teams")
    else:
        form = TeamForm(initial=TeamForm.initial_for(team))
    status = 400 if form.errors else 200
    return render(request, "settings/team_form.html", {"form": form, "team": team}, status=status)


@member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
def team_delete(request, tenant, pk):
    team = _team(tenant, pk)
    if request.method != "POST":
        return redirect("settings:team", pk=pk)
    name = str(team)
    team_services.team_delete(team=team)
    messages.success(request, f"Team {name} deleted.")
    return redirect("settings:teams")
