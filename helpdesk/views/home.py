"""The home page: the first area of the product the member may open, or a getting-started card."""

from django.shortcuts import redirect, render

from helpdesk import navigation, selectors
from helpdesk.models import Organization, Role
from helpdesk.views.access import member_view


@member_view(view_role=Role.AGENT)
def home(request, tenant):
    url = navigation.landing_url(tenant)
    if url:
        return redirect(url)
    organization = tenant.organization
    steps = []
    if tenant.has_role(Role.ADMIN):
        steps = [
            {
                "title": "Make it yours",
                "text": "Name your assistant and chatbot and set the messages customers see.",
                "url": "settings:organization",
                "action": "Organization settings",
                "icon": "building",
                "done": _customized(organization),
            },
            {
                "title": "Invite your team",
                "text": "Add agents and admins; each gets an initial password to sign in with.",
                "url": "settings:agents",
                "action": "Invite agents",
                "icon": "users",
                "done": selectors.agent_list(organization=organization).count() > 1,
            },
            {
                "title": "Group agents into teams",
                "text": "Teams receive conversations, manually or round robin.",
                "url": "settings:teams",
                "action": "Create a team",
                "icon": "layers",
                "done": selectors.team_list(organization=organization).exists(),
            },
            {
                "title": "Connect your tools",
                "text": "Create an API key for the REST API, or a webhook to hear about events.",
                "url": "settings:api-keys",
                "action": "Create an API key",
                "icon": "key",
                "done": selectors.api_key_list(organization=organization).exists(),
            },
        ]
    done_count = sum(1 for step in steps if step["done"])
    return render(request, "home.html", {"steps": steps, "done_count": done_count})


def _customized(organization) -> bool:
    """Has an admin changed any of the assistant settings from their defaults yet?"""
    fields = ("assistant_name", "chatbot_name", "welcome_message", "error_message")
    changed = any(getattr(organization, f) != Organization._meta.get_field(f).default for f in fields)
    return changed or bool(organization.logo_url or organization.chat_system_message)
