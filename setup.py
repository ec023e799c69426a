"""Package layout for setuptools (metadata and dependencies are in pyproject.toml).

platform/ has no __init__.py on purpose: it is mapped onto the import name
`localservice` so that Python's standard `platform` module stays reachable.
"""
from setuptools import find_packages, setup

DATA = ["templates/**/*", "static/**/*", "locale/**/*", "fixtures/*"]

apps = find_packages(include=["tenants*", "shared_apps*", "tenant_apps*"])
platform_packages = ["localservice"] + [
    f"localservice.{name}" for name in find_packages(where="platform")
]

setup(
    packages=apps + platform_packages,
    package_dir={"localservice": "platform"},
    package_data={"": DATA},
    include_package_data=True,
)
