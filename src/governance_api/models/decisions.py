"""Major-decision models (重大决策事项). Filled in by the decisions capability."""

__all__: list[str] = []
