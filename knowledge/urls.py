"""UI routes of the knowledge app."""

urlpatterns: list = []
