"""ctomatch matching."""
