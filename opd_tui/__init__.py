"""opd-tui: a terminal dashboard for a hospital outpatient department's token queue."""

__version__ = "0.1.0"
