"""Case facts (age band, outcome, harms) measured on the labelled set of issue 12
(evaluation/learning/docs)."""
