"""Section paths scored against the learning set's labelled sections (issue 12, item 1)."""
