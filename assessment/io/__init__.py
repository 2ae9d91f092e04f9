"""Untrusted text -> located plain data: YAML, JSON and CSV readers, their limits, JSON Schemas."""
