"""Authoring: the content files, the question exchange format, versions and the admin editor."""
