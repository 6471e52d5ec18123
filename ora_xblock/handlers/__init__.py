"""The block's handlers, by role, around one request context.

- ``endpoints``: the edge (JSON and multipart in, JSON and files out, refusals as 4xx errors); light enough
  for the block to import before Django is set up.
- ``context``: :class:`~.context.Request`, who asks about which problem, when, through which host services.
- ``learner``, ``peer``, ``files``, ``staff``, ``studio``: the handlers of each role, imported per request.
- ``page``: the learner's page, composed from every role's pieces; the handlers that answer with it call it.

Each handler takes the request context and the request's data, calls the services, and answers with what the
presenters made of their result.
"""

from .endpoints import HandlerError, attachment, file_endpoint, json_endpoint, piece_endpoint, upload_endpoint

__all__ = ["HandlerError", "attachment", "file_endpoint", "json_endpoint", "piece_endpoint", "upload_endpoint"]
