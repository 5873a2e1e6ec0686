"""Settings pages of the core: organization, agents, teams, API keys, webhooks, my profile.
Other apps add their pages with ``helpdesk.navigation.register_settings_page``."""
