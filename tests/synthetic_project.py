"""A generated Django project for the graph reports at scale: 10 apps x 30 receivers, 60 models.

Each app ``appNN`` has 6 models, a project signal sent from its views, and 30
receivers spread over ``post_save``, ``pre_save``, ``post_delete``,
``pre_delete`` and its signal, listening to models of this app and of the
next ones.  Per app, 2 receivers sit in a module nothing imports
(never-imported), 1 is a nested function connected in ``ready()``
(collected), and every eleventh lacks ``**kwargs`` (a SIG001 finding).
"""

from __future__ import annotations

from pathlib import Path

APPS = 10
MODELS = 6
RECEIVERS = 30
SIGNALS = ("post_save", "pre_save", "post_delete", "pre_delete", "event")


def app_name(index: int) -> str:
    return f"app{index:02d}"


def write_synthetic_project(root: Path) -> Path:
    files: dict[str, str] = {
        "config/__init__.py": "",
        "config/settings.py": (
            'SECRET_KEY = "synthetic"\n'
            "INSTALLED_APPS = [\n"
            + "".join(f'    "{app_name(i)}.apps.Config{i:02d}",\n' for i in range(APPS))
            + "]\n"
        ),
    }
    for i in range(APPS):
        app = app_name(i)
        files[f"{app}/__init__.py"] = ""
        files[f"{app}/apps.py"] = (
            "from django.apps import AppConfig\n"
            "from django.db.models.signals import post_save\n\n\n"
            f"class Config{i:02d}(AppConfig):\n"
            f'    name = "{app}"\n\n'
            "    def ready(self):\n"
            f"        from {app} import receivers  # noqa: F401\n\n"
            f"        def on_saved_nested_{i:02d}(sender, **kwargs):\n"
            "            pass\n\n"
            f"        post_save.connect(on_saved_nested_{i:02d})\n"
        )
        files[f"{app}/models.py"] = "from django.db import models\n\n" + "".join(
            f"\nclass Thing{i:02d}x{j}(models.Model):\n    name = models.CharField(max_length=20)\n"
            for j in range(MODELS)
        )
        files[f"{app}/signals.py"] = "from django.dispatch import Signal\n\nevent = Signal()\n"
        files[f"{app}/views.py"] = (
            f"from {app}.models import Thing{i:02d}x0\nfrom {app}.signals import event\n\n\n"
            f"def publish():\n    event.send(sender=Thing{i:02d}x0, when=1)\n"
        )
        live, unused = [], []
        imports = set()
        for r in range(RECEIVERS - 1):  # the last one is the nested function of ready()
            signal = SIGNALS[r % len(SIGNALS)]
            other = (i + r // 10) % APPS
            model = f"Thing{other:02d}x{r % MODELS}"
            imports.add((app_name(other), model))
            parameters = "sender, instance" if r % 11 == 3 else "sender, **kwargs"
            signal_name = f"{app}_event" if signal == "event" else signal
            block = (
                f"\n\n@receiver({signal_name}, sender={model})\n"
                f"def on_{signal}_{app}_{r:02d}({parameters}):\n    pass\n"
            )
            (unused if r >= RECEIVERS - 3 else live).append(block)
        header = (
            "from django.db.models.signals import post_delete, post_save, pre_delete, pre_save\n"
            "from django.dispatch import receiver\n\n"
            f"from {app}.signals import event as {app}_event\n"
            + "".join(f"from {a}.models import {m}\n" for a, m in sorted(imports))
        )
        files[f"{app}/receivers.py"] = header + "".join(live)
        files[f"{app}/handlers_unused.py"] = header + "".join(unused)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
