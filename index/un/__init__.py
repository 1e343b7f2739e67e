"""What UN documents are: the symbol grammar, document series, and the zh↔en glossary."""
