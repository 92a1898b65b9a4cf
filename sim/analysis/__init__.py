"""Analyses on top of runs: expert-claim checks, lens comparisons, backtests."""
