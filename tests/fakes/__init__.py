"""Fakes of systems outside the product that speak the real protocol (HTTP on loopback)."""
