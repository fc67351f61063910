"""Self-checks for the exercises of the variants notebook."""

__all__: list[str] = []
