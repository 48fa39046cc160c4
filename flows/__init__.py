"""Prefect flows, the mipulse CLI and report rendering."""
