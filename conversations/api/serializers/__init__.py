"""DRF serializers of the conversations API (Libredesk field names; Novumdesk's for tickets)."""
