"""reStructuredText to Markdown, enough for partitioning: headings keep their levels, directive
bodies (notes, code, tabs…) keep their text, roles and links keep their readable part.

There is no pandoc on the target machines and docutils drops the content of Sphinx directives it
does not know, so this small converter keeps every sentence instead."""

from __future__ import annotations

import re

_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+<>:._])\1{2,}\s*$")
_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::\s*(.*)$")
_COMMENT_OR_TARGET = re.compile(r"^(\s*)\.\.(\s|$)")
_OPTION = re.compile(r"^\s+:[\w-]+:(\s.*)?$")
_ROLE_WITH_TARGET = re.compile(r":[\w:-]+:`([^`<]+?)\s*<[^>]*>`")
_ROLE = re.compile(r":[\w:-]+:`([^`]+)`")
_LINK_WITH_TARGET = re.compile(r"`([^`<]+?)\s*<([^>]+)>`__?")
_LINK_REF = re.compile(r"`([^`]+)`__?")
_SUBSTITUTION_DEF = re.compile(r"^\.\.\s+\|[^|]+\|\s+\w+::")

DROPPED_DIRECTIVES = {
    "toctree",
    "contents",
    "include",
    "raw",
    "meta",
    "image",
    "figure",
    "only",
    "index",
    "spelling",
}
CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "literalinclude", "prompt"}
ADMONITIONS = {
    "note",
    "warning",
    "tip",
    "important",
    "caution",
    "danger",
    "attention",
    "hint",
    "error",
    "seealso",
    "admonition",
    "versionadded",
    "versionchanged",
    "deprecated",
}


def _inline(text: str) -> str:
    text = _ROLE_WITH_TARGET.sub(r"\1", text)
    text = _ROLE.sub(lambda match: match.group(1).lstrip("/~!"), text)
    text = _LINK_WITH_TARGET.sub(r"[\1](\2)", text)
    text = _LINK_REF.sub(r"\1", text)
    text = text.replace("``", "`")
    return re.sub(r"(\w)_\b", r"\1", text)  # reference_ → reference


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block(lines: list[str], start: int, base: int) -> tuple[list[str], int]:
    """The lines indented deeper than ``base`` from ``start`` (blank lines included), dedented."""
    block, index = [], start
    while index < len(lines):
        line = lines[index]
        if line.strip() and _indent(line) <= base:
            break
        block.append(line)
        index += 1
    while block and not block[-1].strip():
        block.pop()
    depth = min((_indent(line) for line in block if line.strip()), default=0)
    return [line[depth:] for line in block], index


def rst_to_markdown(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\t", "    ").split("\n")
    return "\n".join(_convert(lines, heading_styles=[])).strip() + "\n"


def _convert(lines: list[str], heading_styles: list[tuple[str, bool]]) -> list[str]:
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        after = lines[index + 2] if index + 2 < len(lines) else ""

        # Heading with overline: ===\nTitle\n===
        if (
            _UNDERLINE.match(line)
            and nxt.strip()
            and _UNDERLINE.match(after)
            and after.strip()[0] == line.strip()[0]
        ):
            out += _heading(nxt.strip(), (line.strip()[0], True), heading_styles)
            index += 3
            continue
        # Heading with underline: Title\n=====
        if line.strip() and not line.startswith(" ") and _UNDERLINE.match(nxt) and len(nxt.strip()) >= 3:
            if len(nxt.strip()) >= min(len(line.strip()), 3) and not _UNDERLINE.match(line):
                out += _heading(line.strip(), (nxt.strip()[0], False), heading_styles)
                index += 2
                continue

        directive = _DIRECTIVE.match(line)
        if directive and not _SUBSTITUTION_DEF.match(line.strip()):
            base, name, argument = (
                len(directive.group(1)),
                directive.group(2).lower(),
                directive.group(3).strip(),
            )
            index += 1
            while index < len(lines) and _OPTION.match(lines[index]) and _indent(lines[index]) > base:
                index += 1
            body, index = _block(lines, index, base)
            out += _directive(name, argument, body, heading_styles)
            continue
        if _COMMENT_OR_TARGET.match(line):  # comments, link targets, substitution definitions
            _, index = _block(lines, index + 1, _indent(line))
            out.append("")
            continue

        stripped = line.rstrip()
        if stripped.endswith("::") and not stripped.lstrip().startswith(".."):
            # "Paragraph::" introduces a literal block.
            text = stripped[:-2].rstrip()
            out.append(_inline(text.lstrip()) + (":" if text.strip() else ""))
            body, index = _block(lines, index + 1, _indent(line))
            if body:
                out += ["", "```", *body, "```", ""]
            continue
        out.append(_inline(stripped.lstrip()))
        index += 1
    return out


def _heading(title: str, style: tuple[str, bool], heading_styles: list[tuple[str, bool]]) -> list[str]:
    if style not in heading_styles:
        heading_styles.append(style)
    level = min(heading_styles.index(style) + 1, 6)
    return ["", f"{'#' * level} {_inline(title)}", ""]


def _directive(name: str, argument: str, body: list[str], heading_styles) -> list[str]:
    if name in DROPPED_DIRECTIVES:
        return [""]
    if name in CODE_DIRECTIVES:
        return ["", "```", *body, "```", ""] if body else [""]
    if name == "rubric":
        return ["", f"**{_inline(argument)}**", ""]
    lines: list[str] = [""]
    if name in ADMONITIONS:
        label = (
            argument
            if name == "admonition" and argument
            else name.replace("seealso", "See also").capitalize()
        )
        lines.append(f"**{_inline(label)}:**" if name != "admonition" else f"**{_inline(label)}**")
        if argument and name != "admonition":
            lines.append(_inline(argument))
    elif argument:
        lines.append(_inline(argument))
    lines += _convert(body, heading_styles)
    lines.append("")
    return lines
