"""Scheduled sweeps: reminders, escalations and the monthly attendance cycle."""
