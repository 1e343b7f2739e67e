"""Keeping paragraphs: the Chroma store, what text of a paragraph is embedded, the embedders,
and the list of documents held."""
