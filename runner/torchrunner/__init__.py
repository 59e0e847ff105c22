"""PyTorch side of the grader's re-run: see runner/PROTOCOL.md.

The package is named `torchrunner` (not e.g. `weights` or `errors`) because the
entry script's folder lands first on sys.path, and a generic module name there
would shadow a stdlib or third-party module that torch imports.
"""
