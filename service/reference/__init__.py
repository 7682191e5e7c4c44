"""Reference data: the competence taxonomy and the TJM rate grid."""
