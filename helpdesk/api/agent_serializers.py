"""Agents (Libredesk's Agent): a membership seen with its user's fields, the invite/update
payload and the availability payload."""

from rest_framework import serializers

from helpdesk.api.serializers import TeamCompactSerializer
from helpdesk.models import Availability, Membership, Role, Team
from helpdesk.services.agents import membership_is_invited


class AgentSerializer(serializers.ModelSerializer):
    """An agent is a membership seen with its user's fields (Libredesk's Agent)."""

    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    avatar_url = serializers.CharField(source="user.avatar_url", read_only=True)
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    enabled = serializers.BooleanField(source="is_active", read_only=True)
    type = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    teams = TeamCompactSerializer(many=True, read_only=True)
    invitation_pending = serializers.SerializerMethodField(
        help_text="Invited and not joined yet: the person has not chosen a password from the "
        "invitation email's one-time link"
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "user_id",
            "email",
            "first_name",
            "last_name",
            "avatar_url",
            "type",
            "role",
            "roles",
            "availability_status",
            "enabled",
            "last_active_at",
            "teams",
            "invitation_pending",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_type(self, obj) -> str:
        return "agent"

    def get_invitation_pending(self, obj) -> bool:
        return membership_is_invited(obj)

    def get_roles(self, obj) -> list[str]:
        return [obj.role]


class AgentWriteSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    roles = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, help_text="Libredesk form of role"
    )
    teams = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=200,
        help_text="Team ids (or team names, as Libredesk sends them)",
    )
    enabled = serializers.BooleanField(required=False)
    availability_status = serializers.ChoiceField(choices=Availability.choices, required=False)
    avatar_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    new_password = serializers.CharField(
        max_length=128,
        required=False,
        write_only=True,
        help_text="Accepted for Libredesk compatibility and ignored: no password is ever set for "
        "someone else; the invitation email's one-time link lets the person choose their own",
    )
    send_welcome_email = serializers.BooleanField(
        required=False,
        help_text="Accepted for Libredesk compatibility: the invitation email is always sent (its "
        "link is the only way in)",
    )

    def validate(self, attrs):
        attrs.pop("new_password", None)
        attrs.pop("send_welcome_email", None)
        roles = attrs.pop("roles", None)
        if roles and "role" not in attrs:
            candidates = [r.strip().lower() for r in roles if r.strip().lower() in Role.values]
            if not candidates:
                raise serializers.ValidationError({"roles": ["Use agent, admin or owner."]})
            ranking = {Role.AGENT: 1, Role.ADMIN: 2, Role.OWNER: 3}
            attrs["role"] = max(candidates, key=lambda r: ranking[r])
        if attrs.get("teams") is not None:
            attrs["teams"] = self._resolve_teams(attrs["teams"])
        return attrs

    def _resolve_teams(self, references: list[str]) -> list[Team]:
        organization = self.context["organization"]
        by_id = {team.pk: team for team in Team.objects.filter(organization=organization)}
        by_name = {team.name.lower(): team for team in by_id.values()}
        teams, missing = {}, []
        for reference in (reference.strip() for reference in references):
            team = by_id.get(int(reference)) if reference.isdigit() and len(reference) < 19 else None
            team = team or by_name.get(reference.lower())
            if team is None:
                missing.append(reference)
            else:
                teams[team.pk] = team
        if missing:
            raise serializers.ValidationError({"teams": [f"Unknown team: {', '.join(missing)}."]})
        return list(teams.values())


class AvailabilitySerializer(serializers.Serializer):
    status = serializers.CharField(
        max_length=40,
        help_text="online, away, away_manual, offline or away_and_reassigning "
        "(Libredesk's available and busy are accepted too)",
    )
