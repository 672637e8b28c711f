"""Grid patrols (微网格巡查, DOMAIN.md §4.3)."""
