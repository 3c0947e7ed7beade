"""The WSGI application (gunicorn digital_office.wsgi). Settings: digital_office.settings explains the default."""

from django.core.wsgi import get_wsgi_application

from digital_office.settings import use_default_settings

use_default_settings()
application = get_wsgi_application()
