"""Invitations: seen by the invited user (to accept) and by the inviting organization."""

from rest_framework import serializers

from helpdesk.models import Invitation


class InvitationSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    organization = serializers.SerializerMethodField()
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "organization", "role", "status", "invited_by", "created_at", "responded_at"]
        read_only_fields = fields

    def get_organization(self, invitation) -> dict:
        return {"id": invitation.organization_id, "name": invitation.organization.name}

    def get_invited_by(self, invitation) -> str | None:
        return invitation.invited_by.user.full_name if invitation.invited_by else None
