"""The labelled theme evaluation set and its command (``python -m evaluation themes``)."""
