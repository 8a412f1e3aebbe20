"""Static files served straight out of installed Python packages (no CDN, no copies in the
repository): settings.PACKAGE_STATIC_FILES maps a static path to (package, file inside it).
Whitenoise serves them through the finders in development; collectstatic copies them for
production like any other static file."""
from importlib.resources import files

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


def _source(package: str, inner: str):
    return files(package).joinpath(inner)


class PackageFileFinder(BaseFinder):
    def check(self, **kwargs):
        errors = []
        for path, (package, inner) in settings.PACKAGE_STATIC_FILES.items():
            if not _source(package, inner).is_file():
                from django.core.checks import Error
                errors.append(Error(f"{package} has no {inner} (static {path})",
                                    id="gridline.E001"))
        return errors

    def find(self, path, find_all=False, **kwargs):
        entry = settings.PACKAGE_STATIC_FILES.get(path)
        if entry is None:
            return [] if find_all else None
        found = str(_source(*entry))
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for path, (package, inner) in settings.PACKAGE_STATIC_FILES.items():
            source = _source(package, inner)
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = path.rsplit("/", 1)[0] if "/" in path else None
            yield source.name, storage
