"""Budgets have no job of their own: phases, results and pending tracking move with the
core `publish_scheduled` sweep (see apps.py, services.budgets_publish_due)."""
