"""Demo requests, one or more in every state (loaded by `manage.py load_demo`)."""


def load(*, stdout=None) -> None:
    pass
