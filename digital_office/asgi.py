"""The ASGI application. Settings: digital_office.settings explains the default."""

from django.core.asgi import get_asgi_application

from digital_office.settings import use_default_settings

use_default_settings()
application = get_asgi_application()
