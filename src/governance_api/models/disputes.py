"""Dispute models (矛盾纠纷). Filled in by the disputes capability."""

__all__: list[str] = []
