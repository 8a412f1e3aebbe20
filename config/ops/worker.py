"""A worker bootstep that writes a heartbeat on start and every WORKER_HEARTBEAT_SECONDS."""
from celery import bootsteps
from django.conf import settings

from config.ops.heartbeat import heartbeat_now, heartbeat_write


def _beat(worker_name):
    heartbeat_write(worker_name=worker_name, at=heartbeat_now())


class HeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        _beat(worker.hostname)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, _beat, (worker.hostname,), priority=10
        )

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
