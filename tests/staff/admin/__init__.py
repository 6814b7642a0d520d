"""Tests of administration: the team, activity, retention and privacy."""
