"""Answers -> scores -> facts -> rule firings -> result and roadmap (the one pipeline)."""
