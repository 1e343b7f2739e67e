"""One theme across documents and years: the best paragraph of each document that addresses it,
ordered by date (rank), what changed between close consecutive paragraphs (diff), and the trace
as Markdown or CSV for a researcher's notes (export)."""
