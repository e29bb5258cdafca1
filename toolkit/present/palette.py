"""Colours with a meaning, shared by the master, the Word reports and the Excel write-back."""
from __future__ import annotations

# row marks of a task, by precedence (see `marks.row_mark`)
FILLS = {
    "overdue": "#FFC7CE",
    "data_issue": "#D9C3E9",      # a value could not be read: bad data must look bad
    "overloaded": "#F8CBAD",
    "amber": "#FFEB9C",
    "done": "#D9D9D9",
}
FILL_ORDER = ("overdue", "data_issue", "overloaded", "amber", "done")
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
STATUS_COLOURS = {"not_started": "#A6A6A6", "in_progress": "#4472C4", "blocked": "#ED7D31",
                  "done": "#70AD47", "cancelled": "#7F7F7F", "": "#FFC000"}
HEADER_FILL = "#DDEBF7"
