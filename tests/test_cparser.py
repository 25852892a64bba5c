"""ruamel's C extension is imported without all of ruamel.yaml, and nothing notices.

``actiongen.cparser`` keeps ``ruamel/yaml/__init__.py`` (and the round-trip
constructor, representer and emitter it imports) out of a check's start-up.  These
tests run fresh interpreters: a check must not import those modules, and afterwards
ruamel.yaml must behave exactly as if imported the plain way.
"""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env=env)


def test_a_check_loads_yaml_without_the_rest_of_ruamel() -> None:
    out = run_python(
        "import sys\n"
        "from actiongen.load import load_text\n"
        "doc = load_text('w.yml', 'on: push\\njobs: {t: {runs-on: x, steps: [{run: ls}]}}\\n')\n"
        "assert doc.root is not None and not doc.problems, doc.problems\n"
        "bad = load_text('w.yml', 'a: [1, 2\\nb: }\\n')\n"
        "assert bad.problems and bad.problems[0].span.line == 2, bad.problems\n"
        "heavy = ('ruamel.yaml.main', 'ruamel.yaml.constructor', 'ruamel.yaml.representer',\n"
        "         'ruamel.yaml.emitter')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(heavy)\n"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_ruamel_yaml_works_as_ever_afterwards() -> None:
    out = run_python(
        "import io\n"
        "from actiongen.load import load_text\n"
        "load_text('w.yml', 'a: 1\\n')\n"
        "import ruamel.yaml\n"
        "from ruamel.yaml import YAML\n"
        "from ruamel.yaml.constructor import ConstructorError\n"
        "import _ruamel_yaml\n"
        "yaml = YAML()\n"
        "data = yaml.load('a: 1  # kept\\nb: [x, y]\\n')\n"
        "data['c'] = 2\n"
        "buf = io.StringIO(); yaml.dump(data, buf)\n"
        "assert buf.getvalue() == 'a: 1  # kept\\nb: [x, y]\\nc: 2\\n', buf.getvalue()\n"
        "assert ruamel.yaml.__version__\n"
        "assert ruamel.yaml.constructor.ConstructorError is ConstructorError\n"
        "safe = YAML(typ='safe')\n"
        "assert safe.load('k: [1, 2]') == {'k': [1, 2]}\n"
        "print('ok')\n"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_an_earlier_plain_import_is_used_as_it_is() -> None:
    out = run_python(
        "import sys, ruamel.yaml\n"
        "before = sys.modules['ruamel.yaml']\n"
        "from actiongen.load import load_text\n"
        "assert load_text('w.yml', 'a: 1\\n').root is not None\n"
        "assert sys.modules['ruamel.yaml'] is before and type(before).__name__ == 'module'\n"
        "print('ok')\n"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_a_failing_light_import_falls_back_to_the_plain_one() -> None:
    out = run_python(
        "from actiongen import cparser\n"
        "def broken():\n"
        "    raise ImportError('a future ruamel that needs more')\n"
        "cparser._import_lightly = broken\n"
        "from actiongen.load import load_text\n"
        "doc = load_text('w.yml', 'a: [1, 2]\\n')\n"
        "assert doc.root is not None and not doc.problems\n"
        "print('ok')\n"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
