"""Corrections to moto (pinned in ../requirements.txt) that launcher.py applies before the
server starts. One module per service; each exposes patch()."""
