"""Every table of every report as rows (a header and values): what the pages show under their
charts and what the CSV exports write. The API's ``?format=csv&table=…`` and the pages' download
links use the same tables."""

from __future__ import annotations

import csv
import io

from reports.selectors.overview import WEEKDAYS

MEASURE_HEADER = [
    "Opened",
    "Resolved",
    "Backlog",
    "First response median (min)",
    "First response p90 (min)",
    "Resolution median (h)",
    "Resolution p90 (h)",
    "SLA met %",
    "SLA breached %",
    "CSAT average",
    "CSAT responses",
    "CSAT response rate %",
]


def minutes(seconds) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def hours(seconds) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None


def _blank(value):
    return "" if value is None else value


def measure_values(measures: dict) -> list:
    return [
        measures["opened"],
        measures["resolved"],
        measures["backlog"],
        minutes(measures["first_response"]["median_seconds"]),
        minutes(measures["first_response"]["p90_seconds"]),
        hours(measures["resolution"]["median_seconds"]),
        hours(measures["resolution"]["p90_seconds"]),
        measures["sla"]["met_percent"],
        measures["sla"]["breached_percent"],
        measures["csat"]["average"],
        measures["csat"]["answered"],
        measures["csat"]["response_rate"],
    ]


def overview_summary(report: dict) -> tuple[list, list]:
    current = measure_values(report["figures"])
    previous = measure_values(report["previous"])
    rows = [[name, now, before] for name, now, before in zip(MEASURE_HEADER, current, previous, strict=True)]
    return ["Measure", "This period", "Previous period"], rows


def overview_series(report: dict) -> tuple[list, list]:
    return ["Date", "Opened", "Resolved"], [
        [row["date"], row["opened"], row["resolved"]] for row in report["series"]
    ]


def overview_heatmap(report: dict) -> tuple[list, list]:
    cells = report["heatmap"]["cells"]
    return ["Weekday", *[f"{hour:02d}:00" for hour in range(24)]], [
        [day, *cells[index]] for index, day in enumerate(WEEKDAYS)
    ]


def overview_csat(report: dict) -> tuple[list, list]:
    distribution = report["figures"]["csat"]["distribution"]
    return ["Rating", "Answers"], [[rating, count] for rating, count in distribution.items()]


def agents_table(report: dict) -> tuple[list, list]:
    return ["Agent", "Email", *MEASURE_HEADER], [
        [row["name"], row["email"], *measure_values(row)] for row in report["results"]
    ]


def teams_table(report: dict) -> tuple[list, list]:
    return ["Team", *MEASURE_HEADER], [[row["name"], *measure_values(row)] for row in report["results"]]


def inboxes_table(report: dict) -> tuple[list, list]:
    return ["Inbox", "Channel", *MEASURE_HEADER], [
        [row["name"], row["channel_label"], *measure_values(row)] for row in report["results"]
    ]


def tags_table(report: dict) -> tuple[list, list]:
    return ["Tag", *MEASURE_HEADER], [[row["name"], *measure_values(row)] for row in report["results"]]


BOT_SUMMARY = [
    ("Conversations the bot handled", "handled"),
    ("Resolved without a person (strict)", "resolved_without_person"),
    ("Resolution rate % (strict)", "resolution_rate"),
    ("Awaiting the 7-day window", "awaiting_window"),
    ("Resolved with no agent message (any)", "resolved_without_agent_message"),
    ("Resolution rate % (no agent message, any)", "naive_resolution_rate"),
    ("Handed off", "handed_off"),
    ("Hand-off rate %", "handoff_rate"),
]
ANSWER_SUMMARY = [
    ("Answers", "count"),
    ("Thumbs up", "rated_up"),
    ("Thumbs down", "rated_down"),
    ("Not rated", "unrated"),
    ("Positive % of rated", "positive_percent"),
    ("Answered by the model", "llm"),
    ("Passages only (model unavailable)", "retrieval_only"),
    ("Retrieval-only share %", "retrieval_only_share"),
    ("Fallback (not confident)", "fallback"),
    ("Median answer latency (ms)", "median_latency_ms"),
]


def bot_summary(report: dict) -> tuple[list, list]:
    figures = report["conversations"]
    return ["Measure", "Value"], [[label, figures[key]] for label, key in BOT_SUMMARY]


def bot_answers(report: dict) -> tuple[list, list]:
    figures = report["answers"]
    return ["Measure", "Value"], [[label, figures[key]] for label, key in ANSWER_SUMMARY]


def bot_reasons(report: dict) -> tuple[list, list]:
    return ["Reason", "Hand-offs", "Share %"], [
        [row["label"], row["count"], row["percent"]] for row in report["handoff_reasons"]
    ]


def unanswered_table(report: dict) -> tuple[list, list]:
    return ["Question", "Times asked", "Low confidence", "Thumbs down", "Last asked", "Similar questions"], [
        [
            group["question"],
            group["count"],
            group["low_confidence"],
            group["thumbs_down"],
            group["last_asked_at"],
            " | ".join(group["examples"][1:]),
        ]
        for group in report["groups"]
    ]


TABLES = {
    "overview": {
        "summary": overview_summary,
        "series": overview_series,
        "heatmap": overview_heatmap,
        "csat": overview_csat,
    },
    "agents": {"agents": agents_table},
    "teams": {"teams": teams_table},
    "inboxes": {"inboxes": inboxes_table},
    "tags": {"tags": tags_table},
    "bot": {"summary": bot_summary, "reasons": bot_reasons, "answers": bot_answers},
    "unanswered": {"questions": unanswered_table},
}


def table_names(report_name: str) -> list[str]:
    return list(TABLES[report_name])


def csv_text(header: list, rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        # A cell a spreadsheet would run as a formula starts with a quote instead.
        writer.writerow(
            [
                f"'{value}" if isinstance(value, str) and value[:1] in "=+-@\t\r" else _blank(value)
                for value in row
            ]
        )
    return buffer.getvalue()


def filename(report_name: str, table: str, report: dict) -> str:
    period = report["filters"]
    return f"parley-{report_name}-{table}-{period['from']}-{period['to']}.csv"
