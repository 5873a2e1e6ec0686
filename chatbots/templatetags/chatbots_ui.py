"""Template filters of the chatbots UI: ``{% load chatbots_ui %}``.

- ``{{ started|duration:finished }}``: "12 s", "3 min 5 s", "2 h 10 min".
- ``{{ training|time_left }}``: "estimating…", "less than a minute left", "about 3 min left".
"""

from __future__ import annotations

from django import template

from chatbots.services.training import training_time_left

register = template.Library()


@register.filter
def duration(start, end) -> str:
    if not start or not end:
        return ""
    seconds = max(0, int((end - start).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def time_left(training) -> str:
    return training_time_left(training)
