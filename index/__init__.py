"""Documents in, paragraphs found: ``ingest/`` reads files into paragraphs, ``store/`` embeds
and keeps them in Chroma, ``search/`` finds them for a question, ``un/`` knows UN symbols,
series and terms. ``models`` is the shared data model, ``errors`` the one error hierarchy."""
