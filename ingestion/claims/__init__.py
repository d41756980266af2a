"""Casualty claims: every figure in a text, with what the text says about it (contracts/claims.md)."""

from ingestion.claims.extract import claim_id, extract

__all__ = ["claim_id", "extract"]
