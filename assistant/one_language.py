"""One language per answer: a Chinese question gets Chinese, an English one English.

A small model answering a Chinese question from English passages wrote "Secretary-General建议…";
answering an English one from Chinese passages it copies Chinese terms. The field's terms
(the glossary) and the States' names (the submitters' table) are put in the answer's language;
words inside quotation marks are a document's own and stay as written, and so does a name with
no known form in that language.
"""

from __future__ import annotations

import re

from index.un.glossary import in_language
from index.un.states import names_in_language

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』")


def one_language(text: str, lang: str) -> str:
    """``text`` with the terms and names written in the other language put in ``lang``,
    outside quotations."""
    pieces, last = [], 0
    for quoted in _QUOTED.finditer(text):
        pieces += [_in(text[last:quoted.start()], lang), quoted.group(0)]
        last = quoted.end()
    return "".join(pieces) + _in(text[last:], lang)


def _in(text: str, lang: str) -> str:
    return names_in_language(in_language(text, lang), lang)
