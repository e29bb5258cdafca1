Attribute VB_Name = "DepartmentTracker"
' Ops Tracker Toolkit: the button of a department tracker.
' Source: workbooks/vba/DepartmentTracker.bas, built into the workbook by "make excel".
' Checks this workbook against the tracker standard and marks every problem at its cell.
Option Explicit

Public Sub ValidateThisWorkbook()
    RunPython "import toolkit.excel; toolkit.excel.validate_this_workbook()"
End Sub
