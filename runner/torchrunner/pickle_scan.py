"""Static inspection of a checkpoint's pickles: which Python globals would loading it touch?

Nothing is unpickled or imported here: `pickletools.genops` only decodes opcodes, and a
small abstract stack resolves STACK_GLOBAL's operands. This runs *before* torch.load so
that (a) a file that needs code is refused even where the installed torch's weights_only
unpickler had bugs (CVE-2025-32434 hit torch <= 2.5.1), and TorchScript archives (which
torch 1.13 hands to torch.jit.load even under weights_only=True) never reach torch; and
(b) "unsafe" is told apart from "corrupt" by what the file says, not by parsing torch's
error messages, which change between versions.
"""
from __future__ import annotations

import pickletools
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any, Dict, FrozenSet, List, Optional

ZIP_MAGIC = b"PK\x03\x04"
# Legacy (non-zip) torch files are five pickles (magic number, protocol, sys info, the
# object, storage keys) followed by raw tensor bytes that are not a pickle.
LEGACY_PICKLE_COUNT = 5
DYNAMIC_GLOBAL = "<global computed at load time>"

_MARK = object()  # abstract-stack sentinel for pickle's MARK


class ScanError(Exception):
    """The file's structure could not be analysed (not a zip/pickle, truncated, garbled)."""


@dataclass
class ScanResult:
    container: str  # "zip" | "pickle"
    globals: List[str] = field(default_factory=list)  # "module.name", first occurrence order
    torchscript: bool = False


def _string_value(op: pickletools.OpcodeInfo, arg: Any) -> Optional[str]:
    if op.stack_after == [pickletools.pyunicode] or op.name in ("STRING", "BINSTRING", "SHORT_BINSTRING"):
        return arg if isinstance(arg, str) else None
    return None


def pickle_globals(stream: IO[bytes]) -> List[str]:
    """Globals referenced by the next pickle in `stream` (stops at its STOP opcode).

    Raises ScanError when the bytes are not a well-formed pickle.
    """
    found: List[str] = []
    stack: List[Any] = []
    memo: Dict[int, Any] = {}

    def pop(count: int) -> List[Any]:
        if count > len(stack):
            raise ScanError("pickle stack underflow")
        taken = stack[len(stack) - count:] if count else []
        del stack[len(stack) - count:]
        return taken

    try:
        for op, arg, _pos in pickletools.genops(stream):
            name = op.name
            if name in ("GLOBAL", "INST"):
                module, _, attr = str(arg).partition(" ")
                found.append(f"{module}.{attr}")
            elif name in ("EXT1", "EXT2", "EXT4"):  # copyreg extension registry: a global by number
                found.append(f"<extension code {arg}>")
            if name == "STACK_GLOBAL":
                module, attr = pop(2)
                found.append(f"{module}.{attr}" if isinstance(module, str) and isinstance(attr, str)
                             else DYNAMIC_GLOBAL)
                stack.append(None)
            elif name == "MARK":
                stack.append(_MARK)
            elif name in ("PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE"):
                if not stack:
                    raise ScanError("memo store on an empty stack")
                memo[len(memo) if name == "MEMOIZE" else int(arg)] = stack[-1]
            elif name in ("GET", "BINGET", "LONG_BINGET"):
                stack.append(memo.get(int(arg)))
            elif name == "DUP":
                if not stack:
                    raise ScanError("DUP on an empty stack")
                stack.append(stack[-1])
            else:
                before = op.stack_before
                if pickletools.markobject in before:
                    # items listed before the mark are consumed too (e.g. the dict of SETITEMS)
                    below_mark = before.index(pickletools.markobject)
                    while True:
                        if not stack:
                            raise ScanError("MARK missing")
                        if stack.pop() is _MARK:
                            break
                    pop(below_mark)
                else:
                    pop(len(before))
                value = _string_value(op, arg)
                stack.extend([value] if value is not None else [None] * len(op.stack_after))
    except ScanError:
        raise
    except Exception as exc:  # genops: ValueError on unknown opcode, truncation, bad args
        raise ScanError(f"{type(exc).__name__}: {exc}") from None
    return found


def _unique(items: List[str]) -> List[str]:
    return list(dict.fromkeys(items))


def scan_checkpoint(path: str) -> ScanResult:
    with open(path, "rb") as handle:
        magic = handle.read(len(ZIP_MAGIC))
        handle.seek(0)
        if magic == ZIP_MAGIC:
            return _scan_zip(handle)
        return _scan_pickles(handle)


def _scan_zip(handle: IO[bytes]) -> ScanResult:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ScanError(f"zip archive unreadable: {exc}") from None
    with archive:
        names = archive.namelist()
        result = ScanResult(container="zip")
        result.torchscript = any(n.endswith("constants.pkl") or "/code/" in n for n in names)
        pickles = [n for n in names if n.endswith(".pkl")]
        if not pickles:
            raise ScanError("zip archive holds no pickle (not a torch.save file)")
        for name in pickles:
            try:
                with archive.open(name) as member:
                    result.globals.extend(pickle_globals(member))
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ScanError(f"{name}: {exc}") from None
        result.globals = _unique(result.globals)
        return result


def _scan_pickles(handle: Any) -> ScanResult:
    result = ScanResult(container="pickle")
    for index in range(LEGACY_PICKLE_COUNT):
        if not handle.peek(1):
            break  # clean end of file after the last pickle
        try:
            result.globals.extend(pickle_globals(handle))
        except ScanError:
            if index == 0:
                raise ScanError("neither a zip archive nor a pickle") from None
            break  # past the legacy header pickles: raw tensor bytes follow
    result.globals = _unique(result.globals)
    return result


_FALLBACK_ALLOWED = frozenset({
    "collections.OrderedDict", "torch.Size", "torch.Tensor", "torch.nn.parameter.Parameter",
    "torch.serialization._get_layout", "torch.storage.TypedStorage", "torch.storage.UntypedStorage",
    "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
    *(f"torch.{kind}Storage" for kind in ("Float", "Double", "Half", "BFloat16", "Long", "Int", "Short",
                                          "Char", "Byte", "Bool")),
    *(f"torch.{dtype}" for dtype in ("float32", "float64", "float16", "bfloat16", "int64", "int32",
                                     "int16", "int8", "uint8", "bool")),
})


def allowed_globals() -> FrozenSet[str]:
    """The installed torch's own weights_only allow-list, so both gates agree."""
    try:
        from torch import _weights_only_unpickler as unpickler  # private, present in 1.13 .. 2.x

        return frozenset(unpickler._get_allowed_globals().keys())
    except Exception:  # noqa: BLE001 - layout changed: fall back to what state_dicts need
        return _FALLBACK_ALLOWED


def disallowed(found: List[str], allowed: FrozenSet[str]) -> List[str]:
    return [name for name in found if name not in allowed]
