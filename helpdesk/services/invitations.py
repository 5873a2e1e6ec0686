"""Invitation emails: a one-time link instead of a shared password.

A new person invited from the agents page gets an account without a usable password and an
email with a link where they choose one; the link is signed, expires after
``INVITATION_LINK_MAX_AGE`` seconds and is refused once the password is set (its signature covers
the password hash, as Django's password-reset links do). A person with an account already gets
a link that accepts their pending ``Invitation``; it is refused once the invitation is answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from helpdesk import mail
from helpdesk.models import Invitation, InvitationStatus, Membership, Organization, User
from helpdesk.services.agents import AgentError, invitation_accept

INVITATION_SALT = "parley.invitation"
INVALID_LINK = "This invitation link is invalid, has expired or was used already."


def _max_age() -> int:
    return int(getattr(settings, "INVITATION_LINK_MAX_AGE", 7 * 24 * 3600))


class _NewMemberTokens(PasswordResetTokenGenerator):
    """Like a password-reset token (void once the password changes) with its own salt and age."""

    key_salt = "parley.invitation.new-member"

    def check_token(self, user, token):
        """Django's check, with the invitation's own maximum age."""
        try:
            timestamp = base36_to_int(token.split("-", 1)[0])
        except (ValueError, AttributeError):
            return False
        expected = [self._make_token_with_timestamp(user, timestamp, secret) for secret in self._secrets()]
        if not any(constant_time_compare(candidate, token) for candidate in expected):
            return False
        return self._num_seconds(self._now()) - timestamp <= _max_age()

    def _secrets(self) -> list:
        return [self.secret, *self.secret_fallbacks]


new_member_tokens = _NewMemberTokens()


@dataclass(frozen=True)
class InvitationLink:
    """What a valid link is for: a new ``membership`` to set a password, or an existing user's
    ``invitation`` to accept."""

    organization: Organization
    user: User
    role: str
    membership: Membership | None = None
    invitation: Invitation | None = None

    @property
    def sets_password(self) -> bool:
        return self.membership is not None


def invitation_token_new_member(membership: Membership) -> str:
    uid = urlsafe_base64_encode(force_bytes(membership.pk))
    return f"m{uid}.{new_member_tokens.make_token(membership.user)}"


def invitation_token_existing_user(invitation: Invitation) -> str:
    return "i" + signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT, compress=True)


def invitation_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('invitation-link', args=[token])}"


def invitation_for_token(*, token: str) -> InvitationLink:
    """The invitation a link is for; ``not_found`` (one message for every reason, so that a link
    reveals nothing) when it is malformed, expired or used."""
    token = token or ""
    if token.startswith("m") and "." in token:
        uid, user_token = token[1:].split(".", 1)
        try:
            membership_id = int(force_str(urlsafe_base64_decode(uid)))
        except (ValueError, TypeError, OverflowError):
            raise AgentError(INVALID_LINK, code="not_found")
        membership = (
            Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
        )
        if membership is None or membership.user.has_usable_password():
            raise AgentError(INVALID_LINK, code="not_found")
        if not new_member_tokens.check_token(membership.user, user_token):
            raise AgentError(INVALID_LINK, code="not_found")
        return InvitationLink(
            organization=membership.organization,
            user=membership.user,
            role=membership.role,
            membership=membership,
        )
    if token.startswith("i"):
        try:
            data = signing.loads(token[1:], salt=INVITATION_SALT, max_age=_max_age())
        except signing.BadSignature:  # includes SignatureExpired
            raise AgentError(INVALID_LINK, code="not_found")
        invitation = (
            Invitation.objects.select_related("user", "organization")
            .filter(pk=data.get("invitation"), status=InvitationStatus.PENDING)
            .first()
        )
        if invitation is None:
            raise AgentError(INVALID_LINK, code="not_found")
        return InvitationLink(
            organization=invitation.organization,
            user=invitation.user,
            role=invitation.role,
            invitation=invitation,
        )
    raise AgentError(INVALID_LINK, code="not_found")


@transaction.atomic
def invitation_link_accept(*, token: str, password: str = "") -> Membership:
    """Use a link once: a new member's password is set (checked by the password validators); an
    existing user's invitation is accepted (they join with its role and teams)."""
    link = invitation_for_token(token=token)
    if link.sets_password:
        user = User.objects.select_for_update().get(pk=link.user.pk)
        if user.has_usable_password():  # the same link used twice at once
            raise AgentError(INVALID_LINK, code="not_found")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise AgentError(" ".join(error.messages), field="new_password1")
        user.set_password(password)
        user.save(update_fields=["password"])
        return link.membership
    return invitation_accept(user=link.user, invitation_id=link.invitation.pk)


def invitation_email_send(*, membership_id: int | None = None, invitation_id: int | None = None) -> bool:
    """Mail the invitation link (the task calls this; ``MailUnavailable`` propagates so that it
    is retried). False when the invitation is no longer open (accepted, declined, removed)."""
    if membership_id is not None:
        membership = (
            Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
        )
        if membership is None or membership.user.has_usable_password():
            return False
        organization, user, token = (
            membership.organization,
            membership.user,
            invitation_token_new_member(membership),
        )
        action = "choose your password and sign in"
    else:
        invitation = (
            Invitation.objects.select_related("user", "organization", "invited_by__user")
            .filter(pk=invitation_id, status=InvitationStatus.PENDING)
            .first()
        )
        if invitation is None:
            return False
        organization, user = invitation.organization, invitation.user
        token = invitation_token_existing_user(invitation)
        action = "join it with your Parley account"
    days = max(_max_age() // 86400, 1)
    body = (
        f"Hello,\n\nYou are invited to {organization.name} on Parley. Open this link to {action}:\n\n"
        f"{invitation_url(token)}\n\nThe link works once and expires in {days} day{'s' if days != 1 else ''}. "
        "If you did not expect this invitation, ignore this email."
    )
    message = EmailMessage(
        subject=f"You are invited to {organization.name} on Parley",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    mail.send(message)
    return True


def invitation_email_queue(
    *, membership: Membership | None = None, invitation: Invitation | None = None
) -> None:
    """Send the invitation email once the current transaction commits."""
    from helpdesk import jobs, tasks

    if membership is not None:
        jobs.enqueue_on_commit(tasks.invitation_email, membership.pk, None)
    elif invitation is not None:
        jobs.enqueue_on_commit(tasks.invitation_email, None, invitation.pk)
