"""The Textual dashboard: it renders engine state and turns keys into desk actions."""
