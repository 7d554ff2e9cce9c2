"""Batches of pictures: resumable, in parallel, on this machine or a Ray cluster."""

from image2music.batch.manifest import MANIFEST_NAME, Manifest, Record
from image2music.batch.runner import ENGINES, BatchSummary, run_batch
from image2music.batch.tasks import Outcome, Task, Work, plan_tasks, run_task

__all__ = [
    "ENGINES",
    "MANIFEST_NAME",
    "BatchSummary",
    "Manifest",
    "Outcome",
    "Record",
    "Task",
    "Work",
    "plan_tasks",
    "run_batch",
    "run_task",
]
