"""Rebuild the network the grading spec names: a torchvision backbone with the lesson's head."""
from __future__ import annotations

import inspect
from typing import List

from torch import nn
import torchvision.models as tv_models

from .errors import bad_request
from .request import DEFAULT_HEAD_ATTRIBUTES, Architecture


def _constructor(backbone: str):
    constructor = getattr(tv_models, backbone, None)
    listed = getattr(tv_models, "list_models", None)
    known = listed() if callable(listed) else None
    if constructor is None or not inspect.isfunction(constructor) or (known is not None and backbone not in known):
        raise bad_request(f"architecture.backbone: torchvision {_tv_version()} has no model named {backbone!r}")
    return constructor


def _tv_version() -> str:
    import torchvision

    return torchvision.__version__


def _first_linear(module: nn.Module) -> nn.Linear:
    for sub in module.modules():
        if isinstance(sub, nn.Linear):
            return sub
    raise bad_request(f"the backbone's head ({type(module).__name__}) has no Linear layer to take in_features from")


def head_attribute(model: nn.Module, architecture: Architecture) -> str:
    if architecture.head_attribute is not None:
        if not isinstance(getattr(model, architecture.head_attribute, None), nn.Module):
            raise bad_request(f"architecture.headAttribute: {architecture.backbone} has no submodule "
                              f"{architecture.head_attribute!r}")
        return architecture.head_attribute
    for name in DEFAULT_HEAD_ATTRIBUTES:
        if isinstance(getattr(model, name, None), nn.Module):
            return name
    raise bad_request(f"architecture: cannot tell where {architecture.backbone}'s head is; set headAttribute")


def build_head(in_features: int, architecture: Architecture) -> nn.Sequential:
    layers: List[nn.Module] = []
    width = in_features
    for layer in architecture.head:
        if layer.kind == "linear":
            layers.append(nn.Linear(width, int(layer.value)))
            width = int(layer.value)
        elif layer.kind == "relu":
            layers.append(nn.ReLU())
        else:
            layers.append(nn.Dropout(float(layer.value)))
    return nn.Sequential(*layers)


def build_model(architecture: Architecture) -> nn.Module:
    """Untrained model with the spec's structure (weights=None: nothing is ever downloaded)."""
    model = _constructor(architecture.backbone)(weights=None)
    attribute = head_attribute(model, architecture)
    in_features = _first_linear(getattr(model, attribute)).in_features
    setattr(model, attribute, build_head(in_features, architecture))
    return model.eval()


def output_classes(architecture: Architecture) -> int:
    return int([layer for layer in architecture.head if layer.kind == "linear"][-1].value)


def parameter_count(model: nn.Module) -> int:
    return sum(int(p.numel()) for p in model.parameters())

