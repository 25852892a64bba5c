"""ruamel's C extension (``_ruamel_yaml``), imported without all of ruamel.yaml.

The extension imports an error class from each of ruamel.yaml's modules, and the
first such import runs ``ruamel/yaml/__init__.py``, which imports the whole library:
the round-trip constructor, the representer, the emitter, comments, timestamps.  That
was 20-28 ms of every check, a quarter of a one-file check, for code a check never
runs.  Here the package is made importable without running its ``__init__``, and the
four modules whose only use to the extension is an error class it raises while
emitting or constructing (never while parsing, all a check does) stand in as small
modules for the length of the import: 10-14 ms.

Nothing else changes for the rest of the process.  The stand-ins leave
``sys.modules`` at once, so any later import gets the real modules, and the first
attribute the package object lacks runs its real ``__init__`` (``from ruamel.yaml
import YAML`` works as ever).  If anything here fails, the import is the plain one.
"""

from __future__ import annotations

import _thread
import sys
import types
from typing import Any

#: The modules the extension takes only an error class from, for emitting or
#: constructing, and that class's base in ``ruamel.yaml.error``.
_STAND_INS = {
    "ruamel.yaml.constructor": ("ConstructorError", "MarkedYAMLError"),
    "ruamel.yaml.emitter": ("EmitterError", "YAMLError"),
    "ruamel.yaml.serializer": ("SerializerError", "YAMLError"),
    "ruamel.yaml.representer": ("RepresenterError", "YAMLError"),
}
_RUNNING = _thread.allocate_lock()


class _Deferred(types.ModuleType):
    """``ruamel.yaml`` before its ``__init__`` has run: the first missing attribute runs it."""

    def __getattr__(self, name: str) -> Any:
        with _RUNNING:
            if type(self) is _Deferred:  # not run by another thread meanwhile
                self.__class__ = types.ModuleType  # type: ignore[assignment]
                self.__spec__.loader.exec_module(self)  # type: ignore[union-attr]
        return getattr(self, name)


def import_extension() -> Any:
    """The ``_ruamel_yaml`` module; ImportError where it is not installed."""
    if "_ruamel_yaml" in sys.modules or "ruamel.yaml" in sys.modules:
        import _ruamel_yaml

        return _ruamel_yaml
    try:
        return _import_lightly()
    except Exception:  # a ruamel release that needs more: the plain way
        for name in _STAND_INS:
            sys.modules.pop(name, None)
        import _ruamel_yaml

        return _ruamel_yaml


def _import_lightly() -> Any:
    import importlib.util

    spec = importlib.util.find_spec("ruamel.yaml")
    if spec is None or spec.loader is None:
        raise ImportError("ruamel.yaml")
    package = importlib.util.module_from_spec(spec)
    package.__class__ = _Deferred
    sys.modules["ruamel.yaml"] = package
    sys.modules["ruamel"].yaml = package  # type: ignore[attr-defined]  # as an import sets it
    try:
        import ruamel.yaml.error as error

        for name, (cls, base) in _STAND_INS.items():
            stand_in = types.ModuleType(name)
            setattr(stand_in, cls, type(cls, (getattr(error, base),), {"__module__": name}))
            sys.modules[name] = stand_in
        import _ruamel_yaml
    finally:
        for name in _STAND_INS:
            sys.modules.pop(name, None)
    return _ruamel_yaml
