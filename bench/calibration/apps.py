from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    name = "bench.calibration"
    label = "calibration"
