"""Chatbots: their configuration, chat sessions and messages, training jobs, and the prompts of
the agents' AI assist."""

from chatbots.models.assist import AIFeedback, AIPrompt
from chatbots.models.chat import ChatMessage, ChatSession, MessageRole, SessionStatus
from chatbots.models.chatbot import Chatbot
from chatbots.models.inbox_bot import InboxBot
from chatbots.models.training import Training, TrainingStatus, TrainingType

__all__ = [
    "AIFeedback",
    "AIPrompt",
    "ChatMessage",
    "ChatSession",
    "Chatbot",
    "InboxBot",
    "MessageRole",
    "SessionStatus",
    "Training",
    "TrainingStatus",
    "TrainingType",
]
