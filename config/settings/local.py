from .base import *  # noqa: F403
from .base import env

DEBUG = env("DJANGO_DEBUG", "1") == "1"
