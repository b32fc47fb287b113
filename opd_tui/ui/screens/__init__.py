"""Modal screens: forms and pickers that hand one answer back to the dashboard."""
