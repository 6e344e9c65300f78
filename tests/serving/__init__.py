"""Serving tests: the REST endpoint, batch scoring, bundles."""
