import os

os.environ.setdefault("MPLBACKEND", "Agg")  # figures without a screen
