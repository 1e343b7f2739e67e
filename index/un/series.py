"""What a UN document is, in both languages, from its symbol's series and its kind.

"A/RES/78/241" is a General Assembly resolution whatever its title says. Putting that in both
languages beside each paragraph lets "联大决议要求秘书长做什么？" reach the English text of a
resolution through the keyword index as well as the embedder.
"""

from __future__ import annotations

# Longest prefix first: the first match wins.
SERIES: tuple[tuple[str, str, str], ...] = (
    ("A/RES/", "General Assembly resolution", "联合国大会决议 联大决议"),
    ("S/RES/", "Security Council resolution", "安全理事会决议 安理会决议"),
    ("A/C.1/", "General Assembly First Committee document", "大会第一委员会文件"),
    ("A/", "General Assembly document", "联合国大会文件"),
    ("S/", "Security Council document", "安全理事会文件"),
    ("CCW/MSP/", "Meeting of the High Contracting Parties to the CCW",
     "《特定常规武器公约》缔约方会议"),
    ("CCW/GGE", "CCW Group of Governmental Experts", "《特定常规武器公约》政府专家组"),
    ("CCW/CONF", "CCW Review Conference", "《特定常规武器公约》审议大会"),
    ("CCW/", "Convention on Certain Conventional Weapons (CCW)", "《特定常规武器公约》"),
    ("CD/", "Conference on Disarmament", "裁军谈判会议 裁谈会"),
    ("APLC/", "Anti-Personnel Mine Ban Convention", "《禁止杀伤人员地雷公约》"),
    ("BWC/", "Biological Weapons Convention", "《生物武器公约》"),
    ("NPT/", "Treaty on the Non-Proliferation of Nuclear Weapons", "《不扩散核武器条约》"),
)

KINDS = {
    "resolution": ("resolution", "决议"),
    "report": ("report", "报告"),
    "letter": ("letter", "信函"),
}


def describe(symbol: str | None, kind: str = "") -> str:
    """A short bilingual description: "General Assembly resolution 联合国大会决议 联大决议"."""
    words: list[str] = []
    if symbol:
        for prefix, en, zh in SERIES:
            if symbol.startswith(prefix):
                words += [en, zh]
                break
    if kind in KINDS:
        words += [w for w in KINDS[kind] if not any(w in x for x in words)]
    return " ".join(words)
