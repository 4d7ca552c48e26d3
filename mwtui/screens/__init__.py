"""Screens: thin views that run core functions in workers and render the results."""
