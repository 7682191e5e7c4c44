"""ctomatch workers."""
