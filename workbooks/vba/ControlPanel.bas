Attribute VB_Name = "ControlPanel"
' Ops Tracker Toolkit: the buttons of the PMO control panel.
' Source: workbooks/vba/ControlPanel.bas, built into the workbook by "make excel".
' Each button runs one entry point of toolkit/excel.py, which runs the same pipeline as the
' command line and writes the result back into this workbook.
Option Explicit

Public Sub ValidateAll()
    RunPython "import toolkit.excel; toolkit.excel.validate_all()"
End Sub

Public Sub ConsolidateNow()
    RunPython "import toolkit.excel; toolkit.excel.consolidate_now()"
End Sub

Public Sub WeeklyReport()
    RunPython "import toolkit.excel; toolkit.excel.weekly_report()"
End Sub

Public Sub OpenMaster()
    RunPython "import toolkit.excel; toolkit.excel.open_master()"
End Sub
