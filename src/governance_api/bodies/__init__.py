"""Working bodies (依法治理工作小组 / 工作专班) and their members: DOMAIN.md §4.1."""
