"""The naive baseline a user might build from a LangChain tutorial, for comparison.

Raw files → RecursiveCharacterTextSplitter (fixed-size chunks) → the same embedder → Chroma
similarity search. No parsing, no paragraph numbers, no keyword side, no locators. Its chunks
carry no symbol or paragraph number, so the scorer can only credit them through the QA items'
evidence fragments (as a reader could only verify them by reading).
"""

from __future__ import annotations

from pathlib import Path

from index.ingest.corpus import BUNDLED, discover

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50


class NaiveBaseline:
    def __init__(self, files: list[Path], embedder, chunk_size: int = CHUNK_SIZE,
                 chunk_overlap: int = CHUNK_OVERLAP):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size,
                                                  chunk_overlap=chunk_overlap)
        docs = [Document(page_content=f.read_text(encoding="utf-8"), metadata={"source": f.name})
                for f in files]
        self.chunks = splitter.split_documents(docs)
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(collection_name="naive_baseline", embedding_function=embedder,
                            client=client)
        self.store.add_documents(self.chunks)

    @classmethod
    def from_settings(cls, settings, paths: list[Path] | None = None) -> "NaiveBaseline":
        from index.store.embedders import make_embedder

        files, _ = discover(paths or list(BUNDLED))
        return cls(files, make_embedder(settings.embedder, settings.embedder_model))

    def search(self, question: str, history: list[str], k: int) -> list[dict]:
        results = self.store.similarity_search_with_score(question, k=k)
        return [
            {
                "id": f"chunk:{doc.metadata['source']}:{rank}",
                "doc_id": doc.metadata["source"],
                "symbol": f"file:{doc.metadata['source']}",  # never equals a gold symbol
                "lang": None,
                "part": None,
                "number": None,
                "label": doc.metadata["source"],
                "text": doc.page_content,
                "rank": rank,
                "score": float(score),
            }
            for rank, (doc, score) in enumerate(results, 1)
        ]
