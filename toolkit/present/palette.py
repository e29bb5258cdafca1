"""Colours with a meaning, shared by the master, the Word reports and the Excel write-back."""
from __future__ import annotations

# row marks of a task, by precedence (see `marks.row_mark`)
FILLS = {
    "overdue": "#FFC7CE",
    "data_issue": "#D9C3E9",      # a value could not be read: bad data must look bad
    "blocked": "#B4DEE4",         # waiting: status Blocked or an overdue task it depends on
    "overloaded": "#F8CBAD",
    "amber": "#FFEB9C",
    "done": "#D9D9D9",
}
FILL_ORDER = ("overdue", "data_issue", "blocked", "overloaded", "amber", "done")
# the outline of a chart bar in a mark's colour, so pale fills stay visible in charts and print
LINES = {"overdue": "#C00000", "data_issue": "#7030A0", "blocked": "#31859C", "overloaded": "#C55A11",
         "amber": "#BF8F00", "done": "#7F7F7F", "open": "#2F5597", "cancelled": "#A6A6A6"}
OPEN_FILL = "#DDEBF7"          # open and on track, where a chart needs a colour for "no fill"
GREEN = "#C6EFCE"
HEAT = {  # workload cells by ratio of hours to capacity
    "low": "#E2EFDA",       # ≤ 80 %
    "near": "#FFF2CC",      # above 80 %, not overloaded
    "over": "#F8CBAD",      # overloaded
    "far": "#FFC7CE",       # overloaded and 25 % or more above capacity
}
FAR_OVER_RATIO = 1.25
NEAR_RATIO = 0.8
RAG_FILLS = {"red": "#FFC7CE", "amber": "#FFEB9C", "green": GREEN, "unknown": "#D9C3E9"}
RISK_FILLS = {"high": "#FFC7CE", "amber": "#FFEB9C", "low": GREEN, "closed": "#D9D9D9", "invalid": "#D9C3E9"}
# statuses in charts: done grey and blocked as on the Tasks sheet; open ones blue, darker when started;
# a status that could not be read in the data-issue colour
STATUS_COLOURS = {"not_started": "#DDEBF7", "in_progress": "#9DC3E6", "blocked": "#B4DEE4",
                  "done": "#D9D9D9", "cancelled": "#FFFFFF", "": "#FFEB9C", "invalid": "#D9C3E9"}
STATUS_LINES = {"not_started": "#2F5597", "in_progress": "#2F5597", "blocked": "#31859C",
                "done": "#7F7F7F", "cancelled": "#A6A6A6", "": "#BF8F00", "invalid": "#7030A0"}
HEADER_FILL = "#DDEBF7"
