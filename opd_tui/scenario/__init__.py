"""Clinic files: a clinic and its day in TOML, checked, then played through the engine.

Load a file into a ``Scenario`` (``load``), play it in a ``Player`` step by step or up to a clock
time, and report on a played day (``day_report``). Nothing here decides; the engine does.
"""

from .clock import ScenarioClock
from .load import load, loads, rehearse, rehearse_file
from .model import ACTION_KINDS, Action, DoctorSpec, Scenario, SlotSpec
from .play import Player, Step, set_up
from .problems import Problem, ScenarioError

__all__ = [
    "ACTION_KINDS",
    "Action",
    "DoctorSpec",
    "Player",
    "Problem",
    "Scenario",
    "ScenarioClock",
    "ScenarioError",
    "SlotSpec",
    "Step",
    "load",
    "loads",
    "rehearse",
    "rehearse_file",
    "set_up",
]
