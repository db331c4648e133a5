"""Baishui County 12345 hotline circulars: data, rules and page content for the public site."""
