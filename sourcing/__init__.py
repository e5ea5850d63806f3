"""Bringing startups in from registries and files (httpx; no Streamlit)."""
