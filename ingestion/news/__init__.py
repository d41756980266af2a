"""News and report documents: one parser per source family, all feeding documents + claims."""
