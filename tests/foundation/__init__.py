"""Foundation tests (a package, so module names never clash with other domains' test modules)."""
