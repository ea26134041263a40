"""The coordinators' workspace: web pages (Jinja2), the JSON API (FastAPI) and their login.

One module per area; every page and endpoint reads through ``sigbot.views`` and changes a case
through ``sigbot.domain``, so a form, an API call and a plan-file import behave the same.
"""
