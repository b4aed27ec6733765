from django.apps import AppConfig


class JointConfig(AppConfig):
    name = "joinedup.joint"
    label = "joint"
    verbose_name = "Joint working"
