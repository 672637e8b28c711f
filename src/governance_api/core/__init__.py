"""Mechanisms every domain package shares: errors, problems, paging, HTTP conventions, the state-machine engine."""
