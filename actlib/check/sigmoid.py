"""Self-checks for the exercises of the sigmoid notebook."""

__all__: list[str] = []
