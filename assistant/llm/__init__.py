"""Language models behind one interface: local llama.cpp, a remote OpenAI-compatible server,
or none (extractive answers)."""
