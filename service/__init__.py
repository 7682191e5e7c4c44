"""ctomatch service."""
