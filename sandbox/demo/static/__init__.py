"""The demo page's files (index.html, app.css, app.js).

A package only so that ``[tool.setuptools.package-data]`` (``*.html``, ``*.css``, ``*.js``
of every package) puts these files into a wheel: a plain folder would be left out of a
non-editable install.
"""
