"""Reading a document file into paragraphs: file checks, the PDF/Word/HTML/text readers,
clean-up, blocks, metadata, and the paragraph records (``paragraphs.parse_file``)."""
