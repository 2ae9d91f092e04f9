"""Questionnaires and rule packs: the domain model, the rule language, loading and cross-checks."""
