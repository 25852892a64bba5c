#!/usr/bin/env python
"""Django manage.py (sample: detection only reads that it exists)."""
