"""Files the app hands out: one way to name a download, for every domain.

A file name outside Latin-1 (`Zaświadczenie.pdf`) cannot go into a quoted ``filename``: a
WSGI server writes headers in Latin-1 and answers 500. Werkzeug's ``send_file`` writes it as
RFC 6266 / RFC 8187 ``filename*=UTF-8''…`` with an ASCII ``filename`` for old clients."""
import io

from flask import Response, send_file


def file_download(data: bytes, content_type: str, filename: str | None = None) -> Response:
    """The bytes as a response; with a file name, as an attachment saved under that name.
    Callers set their own caching and security headers."""
    return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=bool(filename),
                     download_name=filename or None, conditional=False, etag=False)
