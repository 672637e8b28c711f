"""Org units (街道/片区/居民区/微网格/职能部门) and users with their role assignments."""
