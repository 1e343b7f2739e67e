"""The project's retrieval used from LangChain: a BaseRetriever returning paragraphs as
Documents with their citations, in a chain of the user's own."""

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from index.search.langchain_retriever import ParagraphRetriever


@pytest.fixture
def retriever(fake_retriever):
    return ParagraphRetriever(retriever=fake_retriever, k=4)


def test_documents_carry_the_citation_and_the_other_language(retriever, fake_retriever):
    documents = retriever.invoke("CCW/GGE.1/2023/2 para. 21 (c)")
    assert 1 <= len(documents) <= 4 and all(isinstance(d, Document) for d in documents)
    first = documents[0]
    hit = fake_retriever.search("CCW/GGE.1/2023/2 para. 21 (c)", 4)[0]
    assert first.page_content == hit.paragraph.text
    assert first.metadata["label"] == hit.paragraph.label() == "CCW/GGE.1/2023/2, para. 21 (c)"
    assert first.metadata["symbol"] == "CCW/GGE.1/2023/2" and first.metadata["rank"] == 1
    assert first.metadata["counted"] is False and first.metadata["number"] == "21(c)"
    other = first.metadata["other_language"]
    assert other["lang"] == "zh" and other["label"].startswith("CCW/GGE.1/2023/2")
    assert other["text"] == fake_retriever.catalogue.counterpart(hit.paragraph).text
    assert [d.metadata["id"] for d in documents] == [
        h.paragraph.id for h in fake_retriever.search("CCW/GGE.1/2023/2 para. 21 (c)", 4)]


def test_it_runs_inside_a_chain(retriever):
    """As a user would compose it: question -> paragraphs -> cited context for a prompt."""
    cite = RunnableLambda(lambda documents: "\n".join(
        f"{d.metadata['label']}: {d.page_content}" for d in documents))
    context = (retriever | cite).invoke("Does international humanitarian law apply?")
    assert context.count("\n") >= 1 and ("CCW/" in context or "A/RES/" in context)


def test_bad_settings_are_refused_when_built(fake_retriever):
    with pytest.raises(ValueError, match="k must be > 0"):
        ParagraphRetriever(retriever=fake_retriever, k=0)
