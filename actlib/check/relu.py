"""Self-checks for the exercises of the relu notebook."""

__all__: list[str] = []
