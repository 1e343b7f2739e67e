"""Finding paragraphs for a question: the analysed query, locators, the keyword index, fusion,
the hybrid retriever, the relevance gate and the look-up of a cited paragraph."""
