"""What every template may use besides its own context."""

from urllib.parse import urlsplit

from flask import Flask

from clinic import seo
from clinic.clock import zone_name


def register(app: Flask) -> None:
    """Offer canonical URLs and structured-data builders to templates."""
    app.jinja_env.globals.update(
        canonical=lambda: seo.canonical(app.extensions["clinic"]),
        absolute=lambda path: seo.absolute(app.extensions["clinic"], path),
        clinic_data=lambda: seo.clinic_data(app.extensions["clinic"]),
        breadcrumbs=lambda trail: seo.breadcrumbs(app.extensions["clinic"], trail),
        zone_name=zone_name,
    )
    # A cited web page is shown by its site ("www.fda.gov"), not its long address.
    app.jinja_env.filters["link_host"] = lambda url: urlsplit(url).netloc
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
