"""Settings: canned responses (with placeholder help) and macros (an action builder). Agents read
both lists (they use them every day); admins create, edit and delete."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.content import html_to_text, preview
from conversations.forms import (
    MACRO_ACTION_LABELS,
    PRIORITY_CHOICES,
    CannedResponseForm,
    MacroForm,
    macro_actions_from_post,
    macro_rows,
)
from conversations.selectors import catalog
from conversations.services.canned import PLACEHOLDERS, canned_create, canned_delete, canned_update
from conversations.services.macros import macro_create, macro_delete, macro_update
from conversations.views.common import active_agents
from helpdesk import selectors as core_selectors
from helpdesk.errors import DomainError
from helpdesk.models import Role
from helpdesk.views.access import member_view

admin_only = member_view(view_role=Role.ADMIN, write_role=Role.ADMIN)
readable = member_view(view_role=Role.AGENT, write_role=Role.ADMIN)


# ---------- canned responses ----------


@readable
def canned_list(request, tenant):
    responses = list(catalog.canned_list(organization=tenant.organization).select_related("created_by__user"))
    for response in responses:
        response.preview = preview(html_to_text(response.content), 160)
    context = {"responses": responses, "can_manage": tenant.has_role(Role.ADMIN)}
    return render(request, "conversations/settings/canned.html", context)


@admin_only
def canned_edit(request, tenant, pk=None):
    canned = get_object_or_404(catalog.canned_list(organization=tenant.organization), pk=pk) if pk else None
    if request.method == "POST":
        form = CannedResponseForm(request.POST)
        if form.is_valid():
            try:
                if canned is None:
                    canned = canned_create(
                        organization=tenant.organization, actor=tenant.membership, **form.cleaned_data
                    )
                else:
                    canned = canned_update(canned=canned, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Canned response “{canned.title}” saved.")
                return redirect("conversations:settings-canned")
    elif canned is not None:
        form = CannedResponseForm(initial={"title": canned.title, "content": html_to_text(canned.content)})
    else:
        form = CannedResponseForm()
    context = {"form": form, "canned": canned, "placeholders": PLACEHOLDERS}
    return render(
        request, "conversations/settings/canned_form.html", context, status=400 if form.errors else 200
    )


@require_POST
@admin_only
def canned_remove(request, tenant, pk):
    canned = get_object_or_404(catalog.canned_list(organization=tenant.organization), pk=pk)
    canned_delete(canned=canned)
    messages.success(request, f"Canned response “{canned.title}” deleted.")
    return redirect("conversations:settings-canned")


# ---------- macros ----------


def _describe(action: dict, names: dict) -> str:
    kind, value = action.get("type"), action.get("value")
    label = MACRO_ACTION_LABELS.get(kind, kind)
    if kind in ("reply", "note"):
        return f"{label}: “{preview(str(value or ''), 60)}”"
    if kind == "set_status":
        if isinstance(value, dict):
            value, action = value.get("status"), {"snoozed_until": value.get("snoozed_until")}
        if action.get("snoozed_until"):
            return f"{label}: {value} for {action['snoozed_until']}"
        return f"{label}: {value}"
    if kind == "set_priority":
        return f"{label}: {value or 'none'}"
    if kind in ("add_tags", "remove_tags"):
        return f"{label}: {', '.join(value or [])}"
    if kind == "assign_agent":
        return f"{label}: {'the agent applying it' if value == 'me' else names['agents'].get(str(value), 'a removed agent')}"
    if kind == "assign_team":
        return f"{label}: {names['teams'].get(str(value), 'a removed team')}"
    return label


def _names(tenant) -> dict:
    return {
        "agents": {str(agent.pk): agent.user.full_name for agent in active_agents(tenant)},
        "teams": {
            str(team.pk): str(team) for team in core_selectors.team_list(organization=tenant.organization)
        },
    }


@readable
def macro_list(request, tenant):
    names = _names(tenant)
    macros = list(catalog.macro_list(organization=tenant.organization))
    for macro in macros:
        macro.steps = [_describe(action, names) for action in macro.actions]
    return render(
        request,
        "conversations/settings/macros.html",
        {"macros": macros, "can_manage": tenant.has_role(Role.ADMIN)},
    )


@admin_only
def macro_edit(request, tenant, pk=None):
    macro = get_object_or_404(catalog.macro_list(organization=tenant.organization), pk=pk) if pk else None
    actions_error = ""
    if request.method == "POST":
        form = MacroForm(request.POST)
        actions = macro_actions_from_post(request.POST)
        if form.is_valid():
            try:
                if macro is None:
                    macro = macro_create(
                        organization=tenant.organization,
                        actor=tenant.membership,
                        actions=actions,
                        **form.cleaned_data,
                    )
                else:
                    macro = macro_update(macro=macro, actions=actions, **form.cleaned_data)
            except DomainError as error:
                if error.field == "actions":
                    actions_error = error.message
                else:
                    form.add_domain_error(error)
            else:
                messages.success(request, f"Macro “{macro.name}” saved.")
                return redirect("conversations:settings-macros")
        rows = macro_rows(actions)
    elif macro is not None:
        form = MacroForm(initial={"name": macro.name, "description": macro.description})
        rows = macro_rows(macro.actions)
    else:
        form = MacroForm()
        rows = macro_rows([])
    context = {
        "form": form,
        "macro": macro,
        "rows": rows,
        "actions_error": actions_error,
        "action_labels": MACRO_ACTION_LABELS.items(),
        "statuses": list(catalog.status_list(organization=tenant.organization)),
        "priorities": PRIORITY_CHOICES,
        "agents": active_agents(tenant),
        "teams": list(core_selectors.team_list(organization=tenant.organization)),
    }
    failed = bool(form.errors or actions_error)
    return render(request, "conversations/settings/macro_form.html", context, status=400 if failed else 200)


@require_POST
@admin_only
def macro_remove(request, tenant, pk):
    macro = get_object_or_404(catalog.macro_list(organization=tenant.organization), pk=pk)
    macro_delete(macro=macro)
    messages.success(request, f"Macro “{macro.name}” deleted.")
    return redirect("conversations:settings-macros")
