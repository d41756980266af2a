"""Parsers for the coalition's (CJTF-OIR) own publications: casualty reports and strike releases."""
