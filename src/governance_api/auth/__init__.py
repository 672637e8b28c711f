"""Sign-in (OAuth2 password and client-credentials grants) and the caller's own profile."""
