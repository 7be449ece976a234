"""Build script for the one C extension: ``parsers._cscan`` (the directive scan of
``parsers/code.py``). Everything else is in ``pyproject.toml``. The extension is optional: where
it cannot be compiled, the install goes on and parsing uses the Python version (same output)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("parsers._cscan", ["parsers/_cscan.c"], optional=True, extra_compile_args=["-O2"])])
