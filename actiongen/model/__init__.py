"""Typed models of workflows and action metadata, built from positioned nodes."""
