"""The web app and REST API (``image2music serve``): needs the ``web`` extra.

Import :func:`image2music.service.app.create_app` for the FastAPI app and
:class:`image2music.service.settings.ServiceSettings` for its settings; this
package itself imports nothing heavy.
"""

__all__: list[str] = []
