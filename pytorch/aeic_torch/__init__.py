"""PyTorch mirror of AEIC's factorized-prior model and its trainer, for training on a GPU.

The Java trainer (`aeic train`) is the reference; this package computes the same forward pass and the same
loss and gradients (checked by train's TorchMirrorTest on shared weights), reads and writes the same
model file, and exists only to spend GPU minutes. Its output is a starting point for `aeic train --init`.
"""
