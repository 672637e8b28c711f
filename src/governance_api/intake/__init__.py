"""Inbound work orders from city platforms (DOMAIN §6): feeds bound to a channel, their batches of
work orders turned into disputes, and the per-source category maps the 司法所 keeps."""
