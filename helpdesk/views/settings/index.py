from django.shortcuts import redirect

from helpdesk import navigation
from helpdesk.models import Role
from helpdesk.views.access import member_view


@member_view(view_role=Role.AGENT)
def settings_index(request, tenant):
    """/settings/ opens the first settings page this member may see."""
    return redirect(navigation.first_settings_url(tenant) or "settings:profile")
