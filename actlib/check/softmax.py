"""Self-checks for the exercises of the softmax notebook."""

__all__: list[str] = []
