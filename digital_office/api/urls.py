"""The partner REST API under /api/v1/ (see docs/api.md)."""

urlpatterns = []
