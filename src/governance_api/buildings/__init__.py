"""Buildings (楼栋) of a community: DOMAIN.md §4.6."""
