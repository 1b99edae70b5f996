"""Normalizers for the text inside cells: text, Japanese dates, target figures."""
