"""The retriever's named settings in one group: how many candidates each signal gives, how the
fused lists are weighted, and when a question is routed to one document. Each is checked when
the group is built, naming the value.

Measured on eval/qa.jsonl (the development set; never on the held-out sets): document weight
1.0 and route margin 0.5 gave hit@5 0.864, MRR 0.761, document hit@1 0.852 (0.799 / 0.685 /
0.734 before documents were scored). Tried and left out, each worse on the same set: a weight
for whose words a paragraph holds (a State's view 0.85, agreed text 1.1: hit@5 0.858, MRR 0.753)
and a down-weight for paragraphs whose opening their document repeats (hit@5 0.828, MRR 0.724).
With EmbeddingGemma as the dense signal (same set): 60 candidates a signal gave hit@5 0.899, MRR
0.828, document hit@1 0.899; 40 gave 0.911 / 0.842 / 0.929 (30: 0.911 / 0.841 / 0.929, 20: 0.899 /
0.841 / 0.923, 100: 0.888 / 0.816 / 0.876), but on the held-out sets 40 was worse (qa_fresh
hit@5 / MRR 0.916 / 0.848 -> 0.908 / 0.836, its library part 0.869 / 0.808 -> 0.852 / 0.783):
fitted to the dev set, so 60 stays. Cross-language offset 0 or 0.1 and document weight 0.5 or 2
were no better than 0.05 and 1.0 beyond one or two dev items.

Votes in a First Committee report (same set, Gemma): a draft named by symbol searched among the
records that mention it, the draft's title in the keyword text of its account, and a vote on one
paragraph at half weight unless a paragraph is asked about: hit@5 / MRR / document hit@1
0.905 / 0.833 / 0.899 -> 0.929 / 0.849 / 0.899 (library part 0.866 / 0.792 -> 0.925 / 0.825);
weight 0.7 gave 0.923 / 0.839, 0.3 gave 0.929 / 0.849 with MRR 0.004 higher on one item. Tried
again with Gemma and left out: whose words as a weight (a view × 0.7: hit@5 unchanged, MRR 0.833
-> 0.822) or as a lane of agreed texts (0.905 -> 0.822 with keywords, 0.864 dense alone), the
draft's title in the embedded text too (no change: 0.929 / 0.844), and a letter's recipient
among its card's cues (document hit@1 0.899 -> 0.905, MRR 0.849 -> 0.844).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from index.errors import ConfigError


@dataclass(frozen=True)
class RetrievalSettings:
    candidates: int = 60  # results each signal contributes before fusion
    # An exactly named paragraph ("para. 22 (c)") scores this, far above any fused RRF score
    # (at most ~0.1), so it always ranks first.
    locator_score: float = 1.0
    # A question naming a State ("What did China say …?") is answered from that State's own
    # submission first: its paragraphs rank above the rest, below exactly named paragraphs.
    submission_score: float = 0.5
    # Cross-language cosine similarities run systematically lower; raised by this much, the
    # English paragraph that answers a Chinese question is not buried under Chinese near misses.
    cross_language_offset: float = 0.05
    short_text: int = 20  # characters: shorter records (salutations, signatures) weigh less
    # A paragraph's fused score is multiplied by 1 + document_weight × how strongly the
    # question names its document by card (0–1, relative to the best).
    document_weight: float = 1.0
    # The best-named document is also searched on its own when the runner-up's card score,
    # relative to the best, is at most this (0: never unless alone; 1: always).
    route_margin: float = 0.5
    # A vote on one paragraph of a draft is multiplied by this unless the question names a
    # paragraph: "how was the draft voted on" means the vote on the draft as a whole.
    separate_vote_weight: float = 0.5

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{field.name} must be a number, got {value!r}")
            if value < 0:
                raise ConfigError(f"{field.name} must be >= 0, got {value}")
        if self.candidates <= 0 or not isinstance(self.candidates, int):
            raise ConfigError(f"candidates must be a whole number > 0, got {self.candidates}")
        if self.route_margin > 1:
            raise ConfigError(f"route_margin must be between 0 and 1, got {self.route_margin}")
