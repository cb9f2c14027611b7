"""The handwritten runtime of the SDK: HTTP, retries, errors, configuration, checks, pagination.

The generator never writes here; everything under ``tensor_box/_generated`` is generated from
``spec/openapi.yaml`` and calls into these modules. Names without a leading underscore that
``tensor_box`` re-exports are public; the rest may change between releases.

Import cost matters (``import tensor_box`` should be near-free), so nothing imported at package
import time pulls in httpx: the transport module is loaded by the first request.
"""
