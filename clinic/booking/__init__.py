from clinic.booking.views import bp

__all__ = ["bp"]
