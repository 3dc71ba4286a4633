"""The Django side of analytics: model runs, hits (leads), triage, escalation to clues."""
