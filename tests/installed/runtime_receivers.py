"""Run by the packages' environment's Python: ``django.setup()`` a project, then print (JSON)
every receiver Django holds, for comparison with the graph.

Usage: python runtime_receivers.py PROJECT_DIR SETTINGS_MODULE

Each item: ``{"signals": [...], "receivers": [...]}``, the dotted names bound
to the signal object (in any loaded module) and to the receiver (a
function's ``module.qualname``, or the module-level names bound to a
callable object).
"""

import gc
import json
import os
import sys


def main() -> None:
    project, settings_module = sys.argv[1], sys.argv[2]
    sys.path.insert(0, project)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    from django.dispatch import Signal

    django.setup()
    names: dict[int, set[str]] = {}
    for module_name, module in list(sys.modules.items()):
        for attribute, value in list(getattr(module, "__dict__", {}).items()):
            names.setdefault(id(value), set()).add(f"{module_name}.{attribute}")
    found = []
    for signal in [o for o in gc.get_objects() if isinstance(o, Signal)]:
        for entry in signal.receivers:
            target = entry[1]
            receiver = (
                target()
                if hasattr(target, "__callback__") or type(target).__name__ == "WeakMethod"
                else target
            )
            if receiver is None:
                continue
            function = getattr(receiver, "__func__", receiver)
            if hasattr(function, "__qualname__") and hasattr(function, "__module__"):
                receiver_names = [f"{function.__module__}.{function.__qualname__}"]
            else:
                receiver_names = sorted(names.get(id(receiver), ()))
            found.append(
                {"signals": sorted(names.get(id(signal), ())), "receivers": receiver_names}
            )
    json.dump(found, sys.stdout, indent=1, sort_keys=True)


main()
