"""Training a chatbot: start a ``rag`` (index documents) or ``modelfile`` (derived model) job,
follow its progress live (htmx polls each unfinished training), retry a failed one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from chatbots import selectors
from chatbots.forms import ModelfileTrainingForm, RagTrainingForm
from chatbots.models import Training, TrainingType
from chatbots.services import training as training_services
from chatbots.views.common import (
    ADMIN_ROLE,
    POLL_INTERVAL,
    VIEW_ROLE,
    banner_context,
    bot_tabs_context,
    can_administer,
    chatbot_or_404,
    with_toast,
)
from helpdesk.errors import DomainError
from helpdesk.services import operations as operation_services
from helpdesk.views.access import member_view

TRAININGS_SHOWN = 20


def _training_or_404(tenant, chatbot, training_id) -> Training:
    training = selectors.training_get(organization=tenant.organization, training_id=training_id)
    if training is None or training.chatbot_id != chatbot.pk:
        raise Http404("No such training.")
    return training


def _start(request, tenant, chatbot, form, training_type: str) -> Training | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if training_type == TrainingType.MODELFILE:
            return training_services.training_create(
                chatbot=chatbot,
                training_type=training_type,
                model=data["model"],
                created_by=tenant.membership,
            )
        return training_services.training_create(
            chatbot=chatbot,
            training_type=training_type,
            document_ids=[document.pk for document in data["documents"]],
            chunk_size=data["chunk_size"],
            overlap=data["overlap"],
            created_by=tenant.membership,
        )
    except DomainError as error:
        form.add_domain_error(error)
        return None


@member_view(view_role=VIEW_ROLE, write_role=ADMIN_ROLE)
def training_page(request, tenant, pk):
    organization = tenant.organization
    chatbot = chatbot_or_404(tenant, pk)
    own_documents = [d.pk for d in chatbot.product_documents.all()]
    rag_form = RagTrainingForm(organization=organization)
    rag_form.initial["documents"] = own_documents
    modelfile_form = ModelfileTrainingForm(initial={"model": chatbot.model})
    training_type = request.POST.get("training_type")
    if request.method == "POST":
        if training_type == TrainingType.MODELFILE:
            modelfile_form = ModelfileTrainingForm(request.POST)
            form = modelfile_form
        else:
            training_type = TrainingType.RAG
            rag_form = RagTrainingForm(request.POST, organization=organization)
            form = rag_form
        training = _start(request, tenant, chatbot, form, training_type)
        if training is not None:
            what = "Indexing" if training_type == TrainingType.RAG else "Building the derived model"
            messages.success(request, f"{what} started. Progress shows below.")
            return redirect("chatbots:training", pk=chatbot.pk)
    trainings = list(
        selectors.training_list(organization=organization, chatbot_id=chatbot.pk)[:TRAININGS_SHOWN]
    )
    context = {
        **bot_tabs_context(tenant, chatbot, "training"),
        **banner_context(tenant, chatbot),
        "rag_form": rag_form,
        "modelfile_form": modelfile_form,
        "open_form": training_type or "",
        "trainings": trainings,
        "poll_interval": POLL_INTERVAL,
        "own_documents": own_documents,
    }
    errors = rag_form.errors or modelfile_form.errors
    return render(request, "chatbots/training.html", context, status=400 if errors else 200)


@member_view(view_role=VIEW_ROLE, write_role=ADMIN_ROLE)
def training_status(request, tenant, pk, training_id):
    """One training as a partial: htmx polls it until it is finished."""
    chatbot = chatbot_or_404(tenant, pk)
    training = _training_or_404(tenant, chatbot, training_id)
    context = {
        "training": training,
        "chatbot": chatbot,
        "poll_interval": POLL_INTERVAL,
        "can_administer": can_administer(tenant),
    }
    return render(request, "chatbots/_training.html", context)


@member_view(view_role=ADMIN_ROLE, write_role=ADMIN_ROLE)
def training_retry(request, tenant, pk, training_id):
    chatbot = chatbot_or_404(tenant, pk)
    training = _training_or_404(tenant, chatbot, training_id)
    if request.method != "POST":
        return redirect("chatbots:training", pk=pk)
    if training.operation is None:
        message, level = "This training cannot be retried: start a new one.", "error"
    else:
        try:
            operation_services.operation_retry(operation=training.operation)
        except DomainError as error:
            message, level = error.message, "error"
        else:
            message, level = "Training queued again.", "success"
    if request.htmx:
        training = _training_or_404(tenant, chatbot, training_id)
        context = {
            "training": training,
            "chatbot": chatbot,
            "poll_interval": POLL_INTERVAL,
            "can_administer": True,
        }
        return with_toast(render(request, "chatbots/_training.html", context), message, level)
    (messages.success if level == "success" else messages.error)(request, message)
    return redirect("chatbots:training", pk=pk)
