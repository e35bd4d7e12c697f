"""Loaded by the schemathesis processes that test/fuzz starts (the harness puts this folder on
PYTHONPATH; nothing else imports it).

CPython 3.11 (seen with 3.11.7, the machine's Python) sometimes raises
SystemError("AST constructor recursion depth mismatch") when hypothesis parses a lambda's source to
describe it. The description only names a filter in reprs, but the error escapes and schemathesis
ends the run with a "Runtime Error" of its own, before or after requests that all passed. Here the
description falls back to hypothesis's own "<unknown>" form instead. No check is changed: every
request is still sent and judged as before.
"""

import inspect

try:
    from hypothesis.internal import lambda_sources
except Exception:  # another hypothesis layout: leave it as it is
    lambda_sources = None

if lambda_sources is not None and callable(getattr(lambda_sources, "_lambda_description", None)):
    _describe = lambda_sources._lambda_description

    def _lambda_description(f, *args, **kwargs):
        try:
            return _describe(f, *args, **kwargs)
        except SystemError as err:
            if "recursion depth mismatch" not in str(err):
                raise
            try:
                params = str(inspect.signature(f))[1:-1]
            except (TypeError, ValueError):
                params = ""
            return f"lambda {params}: <unknown>" if params else "lambda: <unknown>"

    lambda_sources._lambda_description = _lambda_description
