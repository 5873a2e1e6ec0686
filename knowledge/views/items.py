"""Knowledge-base items (Q&A): list, create, edit, delete and bulk import from a JSON file."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from helpdesk.errors import DomainError
from helpdesk.views.access import member_view
from knowledge import selectors
from knowledge.forms import KnowledgeImportForm, KnowledgeItemFilterForm, KnowledgeItemForm
from knowledge.services import kb_items as kb_item_services
from knowledge.views.common import ADMIN_ROLE, CONTRIBUTE_ROLE, VIEW_ROLE, kb_item_or_404, permissions

ITEMS_PER_PAGE = 25
SHOWN_IMPORT_ERRORS = 50


@member_view(view_role=VIEW_ROLE, write_role=CONTRIBUTE_ROLE)
def item_list(request, tenant):
    form = KnowledgeItemFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    items = selectors.kb_item_list(organization=tenant.organization, filters=filters)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form,
        "filtered": any(value not in (None, "") for value in filters.values()) if filters else False,
        "page_obj": page,
        "items": list(page.object_list),
        "total": selectors.kb_item_list(organization=tenant.organization).count(),
        **permissions(tenant),
        "categories": selectors.category_list(organization=tenant.organization),
        "querystring": query.urlencode(),
    }
    return render(request, "knowledge/items.html", context)


def _item_form_page(request, tenant, form, item):
    context = {
        "form": form,
        "item": item,
        **permissions(tenant),
        "categories": selectors.category_list(organization=tenant.organization),
    }
    return render(request, "knowledge/item_form.html", context, status=400 if form.errors else 200)


@member_view(view_role=CONTRIBUTE_ROLE, write_role=CONTRIBUTE_ROLE)
def item_create(request, tenant):
    form = KnowledgeItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = kb_item_services.kb_item_create(
                organization=tenant.organization, created_by=tenant.membership, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Added “{item.title}”.")
            return redirect("knowledge:items")
    return _item_form_page(request, tenant, form, None)


@member_view(view_role=VIEW_ROLE, write_role=CONTRIBUTE_ROLE)
def item_detail(request, tenant, pk):
    """Read and edit one item."""
    item = kb_item_or_404(tenant, pk)
    if request.method == "POST":
        form = KnowledgeItemForm(request.POST)
        if form.is_valid():
            try:
                kb_item_services.kb_item_update(item=item, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "Item saved.")
                return redirect("knowledge:items")
    else:
        form = KnowledgeItemForm(
            initial={
                "title": item.title,
                "content": item.content,
                "category": item.category,
                "tags": item.tags,
                "verified": item.verified,
            }
        )
    if not permissions(tenant)["can_contribute"]:
        for field in form.fields.values():
            field.disabled = True
    return _item_form_page(request, tenant, form, item)


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def item_delete(request, tenant, pk):
    item = kb_item_or_404(tenant, pk)
    if request.method != "POST":
        return redirect("knowledge:item", pk=pk)
    title = item.title
    try:
        kb_item_services.kb_item_delete(item=item)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("knowledge:item", pk=pk)
    messages.success(request, f"Deleted “{title}”.")
    return redirect("knowledge:items")


def _item_errors(error: DomainError, items: list) -> list[dict]:
    """Per-item errors of an import, in file order: {position (1-based), title, messages}."""
    rows = []
    for position, fields in sorted(
        (error.extra.get("errors") or {}).items(), key=lambda entry: int(entry[0])
    ):
        index = int(position)
        data = items[index] if 0 <= index < len(items) and isinstance(items[index], dict) else {}
        title = data.get("title") or data.get("question") or ""
        rows.append(
            {
                "position": index + 1,
                "title": str(title)[:120],
                "messages": [
                    f"{field}: {message}" for field, messages in fields.items() for message in messages
                ],
            }
        )
    return rows


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def item_import(request, tenant):
    form = KnowledgeImportForm(request.POST or None, request.FILES or None)
    item_errors: list[dict] = []
    if request.method == "POST" and form.is_valid():
        items = form.cleaned_data["file"]
        try:
            created = kb_item_services.kb_items_import(
                organization=tenant.organization,
                items=items,
                created_by=tenant.membership,
                max_items=settings.KB_FILE_IMPORT_MAX_ITEMS,
            )
        except DomainError as error:
            form.add_error("file", error.message)
            item_errors = _item_errors(error, items)
        else:
            messages.success(request, f"Imported {len(created)} items.")
            return redirect("knowledge:items")
    context = {
        "form": form,
        "item_errors": item_errors[:SHOWN_IMPORT_ERRORS],
        "hidden_errors": max(len(item_errors) - SHOWN_IMPORT_ERRORS, 0),
        "max_items": settings.KB_FILE_IMPORT_MAX_ITEMS,
    }
    return render(request, "knowledge/item_import.html", context, status=400 if form.errors else 200)
