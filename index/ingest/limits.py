"""How much a document may hold before it is refused: file size, Word parts, paragraph length
(shared by the file checks and every reader)."""

from __future__ import annotations

from index.errors import DocumentError

MAX_FILE_MB = 100  # a 180-page UN report is ~2 MB; anything near this is not one document
MB = 1024 * 1024

# A .docx is a zip, so its size on disk says little about the work it makes: repeated text
# deflates 300-1,000:1, and python-docx read a 154 KB file whose XML inflated to hundreds of MB
# for 57 s at 415 MB. The zip's directory gives each part's inflated size before anything is
# inflated, and zipfile stops reading a part at that size, so checking the directory bounds
# the reading. Word writes a 180-page UN report (~1.3 million characters) as 2-5 MB of
# word/document.xml (2.8 MB measured). python-docx read 5 MB of it in 2.6 s at 59 MB, and 20 MB
# (16 million characters) in 9 s at 141 MB, so 20 MB a part leaves 4x room and stays bounded.
# Pictures are stored compressed already and rarely come near it.
MAX_DOCX_PART_MB = 20
# python-docx holds every part in memory at once; no real report comes near the file limit.
MAX_DOCX_TOTAL_MB = MAX_FILE_MB
# Word's XML deflates 4-30:1 (measured: document.xml 4:1, styles.xml 29:1), pictures ~1:1;
# only a part built to inflate reaches 100:1. Parts under 1 MB cost nothing whatever their
# ratio (an empty header deflates well), so they are not checked.
MAX_DOCX_RATIO = 100
DOCX_RATIO_FROM_MB = 1
# A report has 15-40 parts, a few hundred with many pictures. zipfile reads the whole directory
# before anything else (a million parts: 6 s and 562 MB), so the count is read first.
MAX_DOCX_PARTS = 10_000

# A UN paragraph runs to a few thousand characters (the longest in the corpus, a lead-in with
# its items, has 3,275; a long report's are under 10,000). A "paragraph" over the limit means
# the text is not in paragraphs at all, and joining and matching it only costs time and memory.
MAX_PARAGRAPH_CHARS = 20_000


def paragraph_too_long(source, length: int | None = None) -> DocumentError:
    """The error for a document holding a paragraph over MAX_PARAGRAPH_CHARS; ``length`` is
    None where reading stopped as soon as the limit was passed."""
    size = f"{length:,}" if length else f"more than {MAX_PARAGRAPH_CHARS:,}"
    return DocumentError(f"{source}: a paragraph of {size} characters; the limit is "
                         f"{MAX_PARAGRAPH_CHARS:,}")
