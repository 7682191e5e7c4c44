"""ctomatch models."""
