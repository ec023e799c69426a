"""The LAO side of the published figures (not an app: no models). See figures.py."""
