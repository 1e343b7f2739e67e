"""Answers without a language model: the best sentences of the best passages, quoted."""

from __future__ import annotations

import re

from index.glossary import expand_query
from index.keyword import tokenize
from index.models import Hit

from .answer import Answer, Citation

MAX_QUOTES = 3
MAX_QUOTE_CHARS = 400

NOTICES = {
    "none": {"en": "No language model is configured: these are the passages that best match "
                   "your question, quoted.",
             "zh": "未配置语言模型：以下是与您的问题最相关的原文段落。"},
    "failed": {"en": "The language model did not answer ({reason}); these are the passages that "
                     "best match your question, quoted.",
               "zh": "语言模型未能回答（{reason}）；以下是与您的问题最相关的原文段落。"},
}


def best_sentence(question: str, text: str) -> str:
    """The sentence of ``text`` that shares most terms with the question (whole text if short)."""
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    wanted = set(tokenize(f"{question} {expand_query(question)}"))
    sentences = [s for s in re.split(r"(?<=[.;:。；：])\s*|\n", text) if s.strip()]
    scored = [(len(wanted & set(tokenize(s))), -i, s) for i, s in enumerate(sentences)]
    best = max(scored)[2] if scored else text
    return best if len(best) <= MAX_QUOTE_CHARS else best[:MAX_QUOTE_CHARS].rstrip() + "…"


def distinct(hits: list[Hit]) -> list[Hit]:
    """Drop a hit whose paragraph is the parent or an item of one already kept: quoting
    "(c) Provide training…" and the paragraph that contains it says the same thing twice."""
    kept: list[Hit] = []
    for hit in hits:
        p = hit.paragraph
        related = any(p.parent_id == k.paragraph.id or k.paragraph.parent_id == p.id
                      for k in kept)
        if not related:
            kept.append(hit)
    return kept


def extractive_answer(question: str, lang: str, hits: list[Hit], notice_kind: str = "none",
                      reason: str = "") -> Answer:
    notice = NOTICES[notice_kind][lang].format(reason=reason)
    lines = [notice]
    citations = []
    for key, hit in enumerate(distinct(hits)[:MAX_QUOTES], 1):
        quote = best_sentence(question, hit.paragraph.text)
        lines.append(f"“{quote}” [{key}]")
        citations.append(Citation(key, hit.paragraph, hit.paragraph.label(lang)))
    return Answer(question=question, lang=lang, text="\n".join(lines), citations=citations,
                  mode="extractive", notice=notice, passages=hits)
