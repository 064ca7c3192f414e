"""Default settings of the analyser, in a module with no imports so the CLI can show them in
`--help` without loading numpy or the engine."""

DEFAULT_RUNS = 10_000  # seeded random play-throughs per scenario
DEFAULT_SEED = 0
DEFAULT_TREE_LIMIT = 300_000  # prefixes the scored exhaustive search may grow (~6 s); then a beam search
DEFAULT_SWEEP_LIMIT = 5_000_000  # prefixes the unscored sweep (reachability, dead ends, skill chances)
                                 # may step (~15 s, ~60 MB); past it those answers are marked unproven
DEFAULT_BEAM_WIDTH = 256  # best and worst unfinished prefixes kept per depth by the beam
# The library asks for at least two chances per skill on every complete path (issue 4);
# one chance makes a skill scorable, two make a single slip recoverable.
DEFAULT_MIN_SKILL_CHANCES = 2
# Every analysis phase sizes itself from the scenario before allocating (analysis_budget.py):
# within this much memory for its arrays, and this much time, it proves what it can and
# samples the rest, saying which is which.
DEFAULT_MEMORY_LIMIT_MB = 512
DEFAULT_TIME_LIMIT_S = 60.0
