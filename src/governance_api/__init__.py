"""governance-api: community rule-of-law governance (居民区依法治理) back end."""

__version__ = "0.1.0"
