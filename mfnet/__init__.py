"""mfnet: a small numpy library for fully-connected networks, derived in
the mfnet book.

Conventions: float64 arrays, samples as columns, row 0 the bias feature
(ones): a batch of m samples with n features has shape (n + 1, m).
Only numpy and the standard library are needed: copy this folder anywhere.
"""
from . import preprocessing
from .activations import (Activation, Identity, ReLU, Sigmoid, Softmax, Tanh,
                          log_softmax, sigmoid, softmax)
from .callbacks import EarlyStopping
from .gradcheck import (check_model_gradients, entrywise_relative_error,
                        model_gradients, numerical_gradient, relative_error)
from .io import load_weights, save_weights
from .layer import Layer
from .linear import Linear
from .losses import (MSE, BinaryCrossEntropy, CrossEntropy, Loss,
                     SoftmaxCrossEntropy)
from .metrics import (accuracy, confusion_matrix, mse, one_vs_rest_accuracy,
                      precision_recall_f1, r2, rmse)
from .optim import SGD, Adam
from .preprocessing import train_val_split
from .schedules import CosineAnnealingLR, Schedule, StepLR
from .sequential import Sequential, mlp
from .tensor import augment, labels, one_hot, strip
from .training import (History, batches, evaluate, fit, predict,
                       predict_labels, predict_proba)

__version__ = "0.3.0"

__all__ = [
    "Activation", "Identity", "ReLU", "Sigmoid", "Softmax", "Tanh",
    "sigmoid", "softmax", "log_softmax", "Layer", "Linear", "Sequential",
    "mlp", "Loss", "MSE", "CrossEntropy", "SoftmaxCrossEntropy",
    "BinaryCrossEntropy", "SGD", "Adam", "History", "batches", "fit",
    "predict", "predict_proba", "predict_labels", "evaluate", "augment",
    "strip", "one_hot", "labels", "accuracy", "confusion_matrix",
    "precision_recall_f1", "one_vs_rest_accuracy", "mse", "rmse", "r2",
    "numerical_gradient", "relative_error", "entrywise_relative_error",
    "model_gradients", "check_model_gradients", "save_weights",
    "load_weights", "EarlyStopping", "Schedule", "StepLR",
    "CosineAnnealingLR", "train_val_split",
]
