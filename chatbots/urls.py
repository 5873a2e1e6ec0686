"""UI routes of the chatbots app."""

urlpatterns: list = []
