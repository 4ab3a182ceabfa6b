"""The web application behind ``consolidate serve``: units upload and self-check, the office
watches the round.

Django (ORM, auth, sessions, CSRF, migrations, translations) serves server-rendered pages,
htmx refreshes the office's board, waitress is the server. Every check goes through the
same library as the command line (``consolidate.validate``, the annotated copy, the roll-up,
the templates, the roster reader); this package only stores, routes and draws.

- ``config``: where the data lives and which database (``--data``, ``--database``), set-up;
- ``settings``: Django's settings, read from that configuration (secure defaults);
- ``store``: content-addressed storage of every upload (sha256), streamed with a size limit;
- ``intake``: one upload from the link to the stored, queued submission, and the storing of its verdict;
- ``tasks``: the check queue (Django's Tasks API, django-tasks-db), one check per unit at a time;
- ``workers``: the workers that take the queued checks (``consolidate worker``, or beside ``serve``);
- ``runner``: each check in a process of its own under limits (time, memory), on ``consolidate.parallel``,
  so a file that crashes, hangs or bloats it is still stored and shown as 无法读取;
- ``rounds``: opening a round from a roster, links, review, closing, the board's numbers;
- ``tables``: a unit's three tables as HTML with the cells in error marked;
- ``views``: the unit's pages, the office's pages and the JSON contract.
"""
