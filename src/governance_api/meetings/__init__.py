"""Governance meetings (会议, DOMAIN §4.2)."""
