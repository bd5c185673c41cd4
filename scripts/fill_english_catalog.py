#!/usr/bin/env python3
"""Fill the English catalog: every untranslated (or fuzzy) entry gets msgstr = msgid.

The msgids in code and templates are English, so the English translation is the msgid
itself. Run after `make messages` (makemessages) has added new strings, then compile:

    .venv/bin/python scripts/fill_english_catalog.py
    .venv/bin/python manage.py compilemessages --ignore=.venv

Options: a path to another .po file; --all to reset every entry, not only empty ones;
--check to change nothing and exit 1 if an entry would be filled (for CI).
Standard library only. The header gets Language: en, Plural-Forms for two forms and
UTF-8, and loses its fuzzy flag. Obsolete entries (#~) are left alone.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

HEADER_FIELDS = {
    "Language": "en",
    "Content-Type": "text/plain; charset=UTF-8",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def unquote(literal: str) -> str:
    """The value of one PO string literal ("..." with C escapes)."""
    body = literal.strip()[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
    out, i = [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\r", "\\r").replace("\n", "\\n") + '"'


def format_field(keyword: str, text: str, width: int = 79) -> list[str]:
    """PO lines for one field, wrapped like gettext does (at spaces and after \\n)."""
    single = f"{keyword} {quote(text)}"
    if len(single) <= width and "\n" not in text[:-1]:
        return [single]
    pieces = re.findall(r"[^\n]*?\n|[^\n]+$", text)
    lines = [f'{keyword} ""']
    for piece in pieces:
        words = re.findall(r"\S*\s*", piece)
        current = ""
        for word in words:
            if current and len(quote(current + word)) > width:
                lines.append(quote(current))
                current = word
            else:
                current += word
        if current:
            lines.append(quote(current))
    return lines


class Entry:
    """One block of a PO file: comment lines plus keyword fields (each a list of raw lines)."""

    def __init__(self, lines: list[str]):
        self.comments: list[str] = []
        self.fields: dict[str, list[str]] = {}
        self.order: list[str] = []
        self.obsolete = any(line.startswith("#~") for line in lines)
        current = None
        for line in lines:
            match = KEYWORD.match(line)
            if line.startswith("#"):
                self.comments.append(line)
            elif match:
                current = match.group(1)
                self.fields[current] = [line]
                self.order.append(current)
            elif line.startswith('"') and current:
                self.fields[current].append(line)
            else:
                raise ValueError(f"Unexpected line in PO file: {line!r}")

    def value(self, keyword: str) -> str:
        lines = self.fields.get(keyword, [])
        if not lines:
            return ""
        first = KEYWORD.match(lines[0]).group(2)
        return "".join(unquote(literal) for literal in [first, *lines[1:]])

    def set_value(self, keyword: str, text: str) -> None:
        if keyword not in self.order:
            self.order.append(keyword)
        self.fields[keyword] = format_field(keyword, text)

    def copy_field(self, source: str, target: str) -> None:
        """target gets source's lines verbatim (same wrapping as the msgid)."""
        lines = list(self.fields[source])
        lines[0] = target + lines[0][len(source) :]
        if target not in self.order:
            self.order.append(target)
        self.fields[target] = lines

    @property
    def is_header(self) -> bool:
        return not self.obsolete and "msgid" in self.fields and self.value("msgid") == ""

    @property
    def msgstr_keys(self) -> list[str]:
        return [k for k in self.order if k.startswith("msgstr")]

    @property
    def translated(self) -> bool:
        keys = self.msgstr_keys
        return bool(keys) and all(self.value(k) for k in keys)

    @property
    def fuzzy(self) -> bool:
        return any(c.startswith("#,") and "fuzzy" in c for c in self.comments)

    def unfuzz(self) -> None:
        comments = []
        for comment in self.comments:
            if comment.startswith("#|"):
                continue  # previous msgid of a fuzzy match
            if comment.startswith("#,"):
                flags = [f.strip() for f in comment[2:].split(",") if f.strip() != "fuzzy"]
                if not flags:
                    continue
                comment = "#, " + ", ".join(flags)
            comments.append(comment)
        self.comments = comments

    def lines(self) -> list[str]:
        return self.comments + [line for key in self.order for line in self.fields[key]]


def read_entries(path: Path) -> list[Entry]:
    blocks, block = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return [Entry(b) for b in blocks]


def write_entries(path: Path, entries: list[Entry]) -> None:
    text = "\n\n".join("\n".join(entry.lines()) for entry in entries) + "\n"
    tmp = path.with_suffix(".po.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def fix_header(entry: Entry, fields: dict[str, str]) -> bool:
    header = entry.value("msgstr")
    lines = header.split("\n")
    changed = entry.fuzzy
    for name, value in fields.items():
        wanted = f"{name}: {value}"
        for i, line in enumerate(lines):
            if line.split(":", 1)[0] == name:
                if line != wanted:
                    lines[i], changed = wanted, True
                break
        else:
            lines.insert(len(lines) - 1 if lines and lines[-1] == "" else len(lines), wanted)
            changed = True
    if changed:
        entry.unfuzz()
        entry.set_value("msgstr", "\n".join(lines))
    return changed


def fill(entries: list[Entry], *, reset_all: bool = False) -> int:
    """Set msgstr = msgid where empty or fuzzy (or everywhere); return how many changed."""
    filled = 0
    for entry in entries:
        if entry.obsolete or entry.is_header or "msgid" not in entry.fields:
            continue
        if entry.translated and not entry.fuzzy and not reset_all:
            continue
        if "msgid_plural" in entry.fields:
            keys = entry.msgstr_keys or ["msgstr[0]", "msgstr[1]"]
            for key in keys:
                entry.copy_field("msgid" if key == "msgstr[0]" else "msgid_plural", key)
        else:
            entry.copy_field("msgid", "msgstr")
        entry.unfuzz()
        filled += 1
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("po", nargs="?", type=Path, default=DEFAULT_PO)
    parser.add_argument("--all", action="store_true", help="reset every entry to its msgid")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if needed")
    args = parser.parse_args(argv)

    entries = read_entries(args.po)
    header_changed = any(fix_header(e, HEADER_FIELDS) for e in entries if e.is_header)
    filled = fill(entries, reset_all=args.all)
    if args.check:
        state = "outdated" if header_changed else "ok"
        print(f"{args.po}: {filled} entries to fill, header {state}.")
        return 1 if filled or header_changed else 0
    if filled or header_changed:
        write_entries(args.po, entries)
    print(f"{args.po}: {filled} entries filled{', header fixed' if header_changed else ''}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
