"""UI routes of the conversations app."""

urlpatterns: list = []
