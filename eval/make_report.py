"""Write a long UN-style report as a PDF: body paragraphs, then an annex of States' replies.

For the ingestion tests and benchmark: the shared corpus has no long document, and the product
must index a 180-page compilation of State submissions with bounded memory. The layout follows
the UN's: symbol and date on the first page, "Original: English", a running header with the
symbol on later pages, page numbers and a job number at the foot, numbered paragraphs with the
number at the margin, lettered subparagraphs, and each reply headed by the State's name and
"[Original: …]" / "[date]" slugs, its paragraphs numbered from 1.

    python -m eval.make_report out.pdf --states 60 --paragraphs 30
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SYMBOL = "A/99/123"
STATES = ["Albania", "Argentina", "Australia", "Austria", "Belgium", "Brazil", "Bulgaria",
          "Canada", "Chile", "Colombia", "Costa Rica", "Croatia", "Cuba", "Cyprus", "Czechia",
          "Denmark", "Ecuador", "Egypt", "Estonia", "Finland", "France", "Georgia", "Germany",
          "Ghana", "Greece", "Guatemala", "Hungary", "Iceland", "India", "Indonesia", "Ireland",
          "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya", "Latvia",
          "Lebanon", "Lithuania", "Luxembourg", "Malawi", "Malaysia", "Malta", "Mexico",
          "Mongolia", "Morocco", "Nepal", "Netherlands", "New Zealand", "Nigeria", "Norway",
          "Pakistan", "Panama", "Peru", "Philippines", "Poland", "Portugal", "Qatar"]
LANGUAGES = ["English", "Spanish", "French", "Russian", "Arabic", "Chinese"]
WORDS = ("autonomous weapons systems human control international humanitarian law "
         "accountability meaningful judgement targeting functions life cycle review legal "
         "obligations States responsibility risk mitigation proliferation training testing "
         "deployment predictability reliability commanders operators ethical considerations "
         "distinction proportionality precautions attack civilians protection emerging "
         "technologies artificial intelligence military domain regulation prohibition "
         "framework consensus Convention Group experts measures").split()

PAGE_W, PAGE_H = 595, 842  # A4 in points
LEFT, TOP, BOTTOM = 72, 80, 770
LINE = 12
NUMBER_W, ITEM_W = 34, 30  # the number's column; the subparagraph marker's


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def paragraph_text(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) + "." for _ in range(rng.randint(2, 4)))


class _Writer:
    def __init__(self):
        from fpdf import FPDF

        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_font("Times", size=10)
        self.y = 0.0
        self.page = 0
        self.new_page()

    def new_page(self):
        self.pdf.add_page()
        self.page += 1
        if self.page > 1:
            self.pdf.set_font("Times", "B", 9)
            self.pdf.text(LEFT, 50, SYMBOL)
            self.pdf.set_font("Times", size=10)
        self.pdf.set_font("Times", size=9)
        self.pdf.text(PAGE_W / 2, 805, str(self.page))
        if self.page == 1:
            self.pdf.text(LEFT, 815, "24-01234 (E)    010124")
        self.pdf.set_font("Times", size=10)
        self.y = TOP

    def line(self, x: float, text: str, style: str = "", size: float = 10):
        if self.y > BOTTOM:
            self.new_page()
        self.pdf.set_font("Times", style, size)
        self.pdf.text(x, self.y, text)
        self.y += LINE

    def gap(self):
        self.y += LINE  # a blank line between blocks, as UN documents print them

    def wrap(self, text: str, first_x: float, rest_x: float, lead: str = "", lead_x: float = 0):
        """Write ``text`` from ``first_x`` wrapping back to ``rest_x``; ``lead`` (a paragraph
        number or item marker) printed at ``lead_x`` on the first line."""
        words = text.split()
        right = PAGE_W - LEFT
        x = first_x
        current: list[str] = []
        first = True
        for word in words:
            trial = " ".join([*current, word])
            if current and x + self.pdf.get_string_width(trial) > right:
                self._emit(x, " ".join(current), lead if first else "", lead_x)
                first, x, current = False, rest_x, [word]
            else:
                current.append(word)
        if current:
            self._emit(x, " ".join(current), lead if first else "", lead_x)
        self.gap()

    def _emit(self, x: float, text: str, lead: str, lead_x: float):
        if self.y > BOTTOM:
            self.new_page()
        self.pdf.set_font("Times", size=10)
        if lead:
            self.pdf.text(lead_x, self.y, lead)
        self.pdf.text(x, self.y, text)
        self.y += LINE


def write_report(path: Path, states: int = 60, paragraphs: int = 30, seed: int = 7) -> int:
    """Write the report; returns the number of numbered paragraphs in it."""
    rng = random.Random(seed)
    w = _Writer()
    w.pdf.set_font("Times", "B", 9)
    w.pdf.text(LEFT + 330, 50, SYMBOL)
    w.line(LEFT, "General Assembly", "B", 14)
    w.pdf.set_font("Times", size=10)
    w.pdf.text(LEFT + 330, w.y, "Distr.: General")
    w.line(LEFT, "Seventy-ninth session")
    w.pdf.text(LEFT + 330, w.y, "1 July 2024")
    w.line(LEFT, "Item 99 of the provisional agenda")
    w.pdf.text(LEFT + 330, w.y, "Original: English")
    w.line(LEFT, "General and complete disarmament")
    w.gap()
    w.line(LEFT + NUMBER_W, "Lethal autonomous weapons systems", "B", 14)
    w.line(LEFT + NUMBER_W, "Report of the Secretary-General", "B", 12)
    w.gap()
    w.line(LEFT - 14, "I.  Introduction", "B", 11)
    w.gap()
    count = 0
    for number in range(1, 4):
        w.wrap(paragraph_text(rng), LEFT + NUMBER_W, LEFT, f"{number}.", LEFT)
        count += 1
    w.line(LEFT, "Annex", "B", 12)
    w.line(LEFT + NUMBER_W, "Replies received from States", "B", 12)
    w.gap()
    for index in range(states):
        name = STATES[index % len(STATES)] + ("" if index < len(STATES) else f" {index}")
        w.line(LEFT + NUMBER_W, name, "B", 11)
        w.line(LEFT + NUMBER_W, f"[Original: {LANGUAGES[index % len(LANGUAGES)]}]", "", 10)
        w.line(LEFT + NUMBER_W, f"[{1 + index % 28} May 2024]", "", 10)
        w.gap()
        for number in range(1, paragraphs + 1):
            w.wrap(paragraph_text(rng), LEFT + NUMBER_W, LEFT, f"{number}.", LEFT)
            count += 1
            if number % 5 == 0:  # a lead-in with lettered subparagraphs now and then
                for letter in "ab":
                    w.wrap(sentence(rng, 12) + ";", LEFT + NUMBER_W + ITEM_W, LEFT,
                           f"({letter})", LEFT + NUMBER_W)
    path.parent.mkdir(parents=True, exist_ok=True)
    w.pdf.output(str(path))
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--states", type=int, default=60)
    parser.add_argument("--paragraphs", type=int, default=30, help="numbered paragraphs a State")
    args = parser.parse_args(argv)
    count = write_report(args.out, args.states, args.paragraphs)
    print(f"wrote {args.out}: {args.states} replies, {count} numbered paragraphs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
