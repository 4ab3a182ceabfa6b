"""The clerk-facing outputs of validation, as library functions (import the module you need).

- ``consolidate.output.annotate.annotate_file(result, out_dir, *, lang)``: a copy of a unit's
  workbook with every finding's cell marked and a first sheet 问题清单, to send back;
  ``annotate_report(report, out_dir, *, lang, workers)`` does it for every file of a run
  (over worker processes, each writing its own copies; ``annotating`` lets the caller work
  meanwhile, as ``run`` does).
- ``consolidate.output.report_xlsx.write_report(report, path, *, lang)``: one workbook for the
  office listing every file and every finding.
- ``consolidate.output.json_report``: the JSON report (``--json``), streamed one file at a time.

Nothing is imported here, so importing the package costs nothing (openpyxl and xlsxwriter
load with the module that needs them).
"""
