"""Training on several processes or machines: ``torchrun`` and DistributedDataParallel.

``torchrun --nproc-per-node N -m image2music train harmony ...`` (or with
``--nnodes``/``--rdzv-endpoint`` across machines) starts N copies of the same
command; each finds its rank in the environment torchrun sets (``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``), joins a ``gloo`` process
group (CPU; NCCL is not needed), and the one training loop
(:func:`~.loop.train_sequences`) wraps the network in
:class:`torch.nn.parallel.DistributedDataParallel`: every process takes its
share of each epoch's shuffled phrases, gradients are averaged, so all hold
the same weights; validation runs on every process alike, so they agree on
early stopping, and process 0 decides the time limit for all. Only process 0
writes the checkpoint, the ONNX file and the history, and prints.

Without torchrun (``WORLD_SIZE`` unset or 1) nothing changes.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

__all__ = ["World", "agree", "current_world", "finish"]


@dataclass(frozen=True)
class World:
    """This process's place among the training processes.

    Attributes:
        rank: 0 .. size - 1.
        size: How many processes train together (1: just this one).
    """

    rank: int = 0
    size: int = 1

    @property
    def is_main(self) -> bool:
        """Whether this process writes the files and prints (rank 0)."""
        return self.rank == 0


@functools.cache
def current_world() -> World:
    """The world torchrun started this process in, joining its process group once."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return World()
    if not dist.is_initialized():
        dist.init_process_group("gloo")
    return World(dist.get_rank(), dist.get_world_size())


def agree(flag: bool, world: World) -> bool:
    """Process 0's ``flag``, the same on every process."""
    if world.size <= 1:
        return flag
    value = torch.tensor([1 if flag else 0], dtype=torch.int64)
    dist.broadcast(value, src=0)
    return bool(value.item())


def finish(world: World) -> None:
    """Wait until every process is here (process 0 has written its files), then leave."""
    if world.size > 1 and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
        current_world.cache_clear()
