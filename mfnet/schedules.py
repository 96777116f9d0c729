"""Learning-rate schedules: the learning rate as a function of the epoch.

Derived in chapter 10 (``book/10_generalisation.ipynb``). A schedule holds
an optimiser (`mfnet.SGD` or `mfnet.Adam`) and sets its ``lr`` attribute;
call ``step()`` once at the end of every epoch, as PyTorch's
``torch.optim.lr_scheduler`` does, or pass it to
``mfnet.fit(..., schedule=...)``, which does that for you and records the
rate of every epoch in ``History.lr``. The rates equal PyTorch's
``StepLR`` and ``CosineAnnealingLR`` epoch for epoch (``tests``).
"""
from __future__ import annotations

import math

from .checks import Setting, number_in, whole_number

__all__ = ["Schedule", "StepLR", "CosineAnnealingLR"]


class Schedule:
    """Base class of the learning-rate schedules.

    Derived in chapter 10 (``book/10_generalisation.ipynb``). ``lr_at(t)`` is
    the rate after t calls of ``step()``; epoch 0 uses the optimiser's own.

    Parameters
    ----------
    optimizer : SGD or Adam
        Its ``lr`` when the schedule is made is the base rate ``base_lr``.

    Attributes
    ----------
    base_lr : float
        The optimiser's rate when the schedule was made.
    epoch : int
        How many times ``step()`` was called (0 at first).

    Raises
    ------
    TypeError
        If ``optimizer`` has no ``lr``.
    """

    def __init__(self, optimizer) -> None:
        name = type(self).__name__
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"{name}: optimizer must be an mfnet optimiser "
                            f"with an lr attribute (SGD, Adam), got "
                            f"{optimizer!r}")
        self.optimizer = optimizer
        self.base_lr = number_in(optimizer.lr,
                                 f"{name}: the optimizer's lr", 0.0)
        self.epoch = 0

    def lr_at(self, epoch: int) -> float:
        """The learning rate after ``epoch`` calls of ``step()``."""
        raise NotImplementedError

    @property
    def lr(self) -> float:
        """The rate the optimiser uses now (``lr_at(self.epoch)``)."""
        return self.lr_at(self.epoch)

    def step(self) -> float:
        """End of an epoch: count it and set ``optimizer.lr`` to the rate
        of the next epoch, which is returned."""
        self.epoch += 1
        lr = self.lr_at(self.epoch)
        setting = getattr(type(self.optimizer), "lr", None)
        if lr == 0.0 and isinstance(setting, Setting):
            setting.set_reaching_low(self.optimizer, lr)  # eta_min = 0
        else:
            self.optimizer.lr = lr
        return self.optimizer.lr


class StepLR(Schedule):
    """Step decay: lr_t = base_lr gamma^floor(t / step_size).

    ``torch.optim.lr_scheduler.StepLR``; derived in chapter 10
    (``book/10_generalisation.ipynb``).

    Parameters
    ----------
    optimizer : SGD or Adam
        Its lr is the base rate.
    step_size : int
        Epochs between two decays, at least 1.
    gamma : float, optional
        The factor of each decay, finite and > 0 (default 0.1).

    Raises
    ------
    TypeError, ValueError
        Naming the argument, for a step_size that is not a whole number
        >= 1 or a gamma that is not finite and > 0.
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = whole_number(step_size, "StepLR: step_size")
        self.gamma = number_in(gamma, "StepLR: gamma", 0.0)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(Schedule):
    """Cosine annealing from the base rate down to eta_min over T_max epochs.

    lr_t = eta_min + (base_lr - eta_min) (1 + cos(pi t / T_max)) / 2, as
    ``torch.optim.lr_scheduler.CosineAnnealingLR`` (which also follows the
    cosine back up after T_max). Derived in chapter 10
    (``book/10_generalisation.ipynb``).

    Parameters
    ----------
    optimizer : SGD or Adam
        Its lr is the base rate.
    T_max : int
        The epochs of one descent, at least 1 (usually the epochs of
        training).
    eta_min : float, optional
        The last rate, 0 <= eta_min < base_lr (default 0).

    Raises
    ------
    TypeError, ValueError
        Naming the argument, for a T_max that is not a whole number >= 1 or
        an eta_min out of range.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer)
        self.T_max = whole_number(T_max, "CosineAnnealingLR: T_max")
        self.eta_min = number_in(eta_min, "CosineAnnealingLR: eta_min", 0.0,
                                 self.base_lr, low_closed=True)

    def lr_at(self, epoch: int) -> float:
        cos = math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + cos) / 2
