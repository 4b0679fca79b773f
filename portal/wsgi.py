import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Import every view now, then move what start-up allocated out of the garbage collector's sight:
# full collections scan only what requests allocate (a 1,000-row API page otherwise paid about
# 100 ms for one every ~15 requests, bench/api.py).
import portal.urls  # noqa: E402,F401

gc.freeze()
