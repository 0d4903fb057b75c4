"""Readers and writers of files: glossaries and text. The only modules that open files."""
