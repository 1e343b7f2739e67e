"""`assistant trace "human control"`: one theme across the library's documents, by date."""

from __future__ import annotations

import json

from ..render import indented, printable
from ..settings import Settings

FORMATS = ("text", "json", "markdown", "csv")


def cmd_trace(args, settings: Settings) -> int:
    from index.search.query import validate_query
    from index.trace.export import to_csv, to_markdown
    from index.trace.rank import MAX_THEME_CHARS, trace

    from ..services import build_retriever

    # Checked before the index and the model load: a bad theme fails in milliseconds.
    validate_query(args.theme, MAX_THEME_CHARS, "the theme")
    traced = trace(build_retriever(settings), args.theme, args.doc)
    output = "json" if args.json else args.format
    if output == "json":
        print(json.dumps(traced.to_record(), ensure_ascii=False, indent=2))
    elif output == "markdown":
        print(to_markdown(traced), end="")
    elif output == "csv":
        print(to_csv(traced), end="")
    else:
        print_trace(traced)
    return 0


def print_trace(traced) -> None:
    lang = traced.lang
    addressed = len(traced.addressed)
    print(printable(f"Theme: {traced.theme}  ({len(traced.rows)} documents: {addressed} "
                    f"address it, {len(traced.rows) - addressed} silent)"))
    for row in traced.rows:
        date = (row.date or "—").ljust(10)
        if row.paragraph is None:
            print(printable(f"\n{date}  {row.document} — {row.title(lang)}: silent"))
        else:
            print(printable(f"\n{date}  {row.paragraph.label()}   [{row.kind(lang)}; "
                            f"{row.whose(lang)}]"))
            print(indented(row.paragraph.text))
            if row.other is not None:
                print(printable(f"  {row.other.label()}"))
            if row.change is not None:
                added, removed = row.change.words("added"), row.change.words("removed")
                since = row.changed_since.label() if row.changed_since else "the row before"
                print(indented(f"changed since {since} ({row.change.ratio:.0%} the same): "
                              f"+ {' | '.join(added) or '—'}   − {' | '.join(removed) or '—'}"))
        if row.views:
            names = ", ".join(view.submitter for view in row.views[:12])
            more = f", +{len(row.views) - 12}" if len(row.views) > 12 else ""
            print(indented(f"views submitted ({len(row.views)}): {names}{more}"))
