"""The numbers a text states, months named in words included.

A Chinese answer writes a date in digits ("2023年10月", "2021年1月22日") where the English
paragraph it rests on names the month ("in October 2023", "22 January 2021"). Without the
month's number the citation guard took "10" for a number the passage lacks and removed a
correct answer (dev set: 2 of the local model's 17 refused library answers).
"""

from __future__ import annotations

import re

DIGITS = re.compile(r"\d+")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# Capitalised only: "States may …" names no month.
MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")


def numbers_in(text: str) -> set[str]:
    """The digit runs of ``text``, and the number of each month it names ("October" -> "10")."""
    numbers = set(DIGITS.findall(text))
    numbers |= {str(MONTHS.index(m) + 1) for m in MONTH.findall(text)}
    return numbers
