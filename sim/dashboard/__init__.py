"""The browser dashboard for class (``escsim dashboard``): logic in :mod:`.logic`, the
Solara page in :mod:`.app`."""
