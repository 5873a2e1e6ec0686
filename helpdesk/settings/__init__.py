"""Settings entry point: ``PARLEY_ENV=production`` selects the strict production settings."""

from helpdesk.settings.environment import env

if env("PARLEY_ENV") == "production":
    from helpdesk.settings.production import *  # noqa: F403
else:
    from helpdesk.settings.base import *  # noqa: F403
