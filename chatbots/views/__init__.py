"""UI views of the chatbots app: the chatbots list and settings, training, the playground, the
answer monitor, and the AI provider settings page."""
