"""Sign in (by email), password reset pages and the organization switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from helpdesk import login_failures
from helpdesk.forms import LoginForm
from helpdesk.models import Membership
from helpdesk.services.presence import presence_sign_out
from helpdesk.templatetags.parley import current_tenant


class LogoutView(auth_views.LogoutView):
    """Signing out makes the agent offline at once (``helpdesk.services.presence``)."""

    def post(self, request, *args, **kwargs):
        tenant = current_tenant(request)
        if tenant is not None:
            presence_sign_out(membership=tenant.membership)
        return super().post(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    """Sign-in by email. Failed attempts are counted per client address and per account
    (``helpdesk.login_failures``); past the limits the form answers 429."""

    template_name = "auth/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def _email(self) -> str:
        return str(self.request.POST.get("username", ""))[:254]

    def post(self, request, *args, **kwargs):
        try:
            login_failures.ensure_allowed(request=request, email=self._email())
        except login_failures.LoginThrottled as refusal:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failures.record_failure(request=self.request, email=self._email())
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        membership = (
            Membership.objects.filter(user=form.get_user(), is_active=True).order_by("created_at").first()
        )
        if membership is not None:
            self.request.session["organization_id"] = membership.organization_id
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "auth/password_reset_form.html"
    email_template_name = "auth/password_reset_email.txt"
    subject_template_name = "auth/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "auth/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "auth/password_reset_complete.html"


def _return_path(request) -> str:
    """Back to the page the switch came from when it is a list page (no ids of the old
    organization in it); otherwise home."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse_lazy("home")
    try:
        match = resolve(target.split("?")[0])
    except Resolver404:
        return reverse_lazy("home")
    return target if not match.kwargs else reverse_lazy("home")


@require_POST
@login_required
def switch_organization(request):
    """Act inside another organization the user is an active member of (404 for any other)."""
    try:
        organization_id = int(request.POST.get("organization_id", ""))
    except ValueError:
        raise Http404("No such organization.")
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=request.user, organization_id=organization_id, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404("No such organization.")
    request.session["organization_id"] = membership.organization_id
    messages.success(request, f"Switched to {membership.organization.name}.")
    return redirect(_return_path(request))
