"""``reader import``: bring an old site's articles into the store as clean Markdown.

Readers (``pages``, ``wxr``, ``feedfile``) turn a source into ``Imported`` records; the
``writer`` turns each record into a page bundle inside ``content/``. Their libraries are the
``import`` extra, loaded only here.
"""
