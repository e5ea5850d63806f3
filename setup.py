"""Builds fund._xirr_screen, the C form of XIRR's uniqueness test (fund/_xirr_screen.c).

Everything else about the package is in pyproject.toml. Without a C compiler the build skips
the extension (optional) and fund.returns runs the same test in Python, more slowly.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("fund._xirr_screen", ["fund/_xirr_screen.c"], optional=True),
    ]
)
