"""The consultant report: drafting from an assessment (``build``), the grounding check (``check``),
figures (``charts``, ``wardley``) and exports (``render``). ``service.Reporter`` ties them together."""
