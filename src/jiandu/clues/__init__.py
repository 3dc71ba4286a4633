"""The clue ledger (DOMAIN.md section 3): intake, numbering, disposal with working-day
clocks, transfers, the signed chain of hand-overs, reconciliation and need-to-know."""
