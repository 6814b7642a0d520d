from clinic.treatments.views import bp

__all__ = ["bp"]
