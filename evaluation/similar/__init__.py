"""Similar reviews measured on the labelled theme set (``python -m evaluation similar``)."""
