"""Evaluation sets and the commands that measure the library on them (``python -m evaluation``).

Not shipped in the wheel. Each set lives in its own folder with its source documents (text
specs rendered to real files at run time) and its truth; shared scoring and tables are in
:mod:`evaluation.metrics`.
"""
