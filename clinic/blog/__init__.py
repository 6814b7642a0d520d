from clinic.blog.views import bp

__all__ = ["bp"]
